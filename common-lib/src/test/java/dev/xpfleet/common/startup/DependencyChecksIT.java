package dev.xpfleet.common.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.testing.IsolatedServices;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Each wrong setting ends in an error that names it; right settings say what they reached. */
class DependencyChecksIT {

    private static IsolatedServices services;

    @BeforeAll
    static void setUp() {
        services = IsolatedServices.create(DependencyChecksIT.class.getSimpleName(), true);
    }

    @AfterAll
    static void tearDown() throws Exception {
        services.close();
    }

    @Test
    void reportsWhatEachServiceIsWhenSettingsAreRight() {
        MockEnvironment env = environment(Map.of());

        assertThat(new PostgresCheck().check(env))
                .hasValueSatisfying(line -> assertThat(line)
                        .startsWith("PostgreSQL ")
                        .contains(services.jdbcUrl())
                        .contains("pgvector"));
        assertThat(new RedisCheck().check(env))
                .hasValueSatisfying(line -> assertThat(line).startsWith("Redis "));
        assertThat(new S3Check().check(env))
                .hasValueSatisfying(line -> assertThat(line)
                        .contains(services.endpoints().s3().endpoint())
                        .contains(services.bucket()));
    }

    @Test
    void unreachableDatabaseNamesTheUrl() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:%d/fleet".formatted(freePort());

        assertThatThrownBy(() -> new PostgresCheck().check(environment(Map.of("spring.datasource.url", url))))
                .isInstanceOfSatisfying(StartupCheckException.class, e -> {
                    assertThat(e.property()).isEqualTo("spring.datasource.url");
                    assertThat(e.environmentVariable()).isEqualTo("SPRING_DATASOURCE_URL");
                    assertThat(e.getMessage()).contains(url).doesNotContain("\n");
                });
    }

    @Test
    void missingDatabaseNamesTheUrl() {
        String url = services.endpoints().postgres().jdbcUrl("no_such_database_for_fleet");

        assertThatThrownBy(() -> new PostgresCheck().check(environment(Map.of("spring.datasource.url", url))))
                .isInstanceOfSatisfying(
                        StartupCheckException.class,
                        e -> assertThat(e.property()).isEqualTo("spring.datasource.url"));
    }

    @Test
    void unknownRoleNamesTheCredentials() {
        MockEnvironment env = environment(Map.of("spring.datasource.username", "no_such_role_for_fleet"));

        assertThatThrownBy(() -> new PostgresCheck().check(env))
                .isInstanceOfSatisfying(
                        StartupCheckException.class,
                        e -> assertThat(e.property()).isIn("spring.datasource.username", "spring.datasource.password"));
    }

    @Test
    void unreachableRedisNamesTheHost() throws Exception {
        MockEnvironment env = environment(Map.of("spring.data.redis.port", String.valueOf(freePort())));

        assertThatThrownBy(() -> new RedisCheck().check(env))
                .isInstanceOfSatisfying(
                        StartupCheckException.class,
                        e -> assertThat(e.property()).isEqualTo("spring.data.redis.host"));
    }

    @Test
    void wrongS3SecretNamesTheSecretKey() {
        MockEnvironment env = environment(Map.of("fleet.artifacts.secret-key", "not-the-secret"));

        assertThatThrownBy(() -> new S3Check().check(env))
                .isInstanceOfSatisfying(
                        StartupCheckException.class,
                        e -> assertThat(e.property()).isEqualTo("fleet.artifacts.secret-key"));
    }

    @Test
    void unreachableS3NamesTheEndpoint() throws Exception {
        MockEnvironment env = environment(Map.of("fleet.artifacts.endpoint", "http://127.0.0.1:" + freePort()));

        assertThatThrownBy(() -> new S3Check().check(env))
                .isInstanceOfSatisfying(
                        StartupCheckException.class,
                        e -> assertThat(e.property()).isEqualTo("fleet.artifacts.endpoint"));
    }

    @Test
    void malformedS3EndpointNamesTheEndpoint() {
        MockEnvironment env = environment(Map.of("fleet.artifacts.endpoint", "not a url"));

        assertThatThrownBy(() -> new S3Check().check(env))
                .isInstanceOfSatisfying(
                        StartupCheckException.class,
                        e -> assertThat(e.property()).isEqualTo("fleet.artifacts.endpoint"));
    }

    @Test
    void servicesWithoutADatasourceSkipThePostgresCheck() {
        MockEnvironment env = new MockEnvironment();

        assertThat(new PostgresCheck().check(env)).isEmpty();
    }

    private static MockEnvironment environment(Map<String, String> overrides) {
        MockEnvironment env = new MockEnvironment();
        services.springProperties().forEach((key, value) -> env.setProperty(key, String.valueOf(value)));
        overrides.forEach(env::setProperty);
        return env;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
