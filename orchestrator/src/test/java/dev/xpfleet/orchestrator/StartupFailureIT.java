package dev.xpfleet.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.ServiceJar;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged orchestrator, started as a person would, refuses a wrong setting with a short
 * message naming it and no stack trace.
 */
class StartupFailureIT {

    private static IsolatedServices services;

    @BeforeAll
    static void setUp() {
        services = IsolatedServices.create(StartupFailureIT.class.getSimpleName(), true);
    }

    @AfterAll
    static void tearDown() throws Exception {
        services.close();
    }

    @Test
    void unreachableDatabaseIsNamedInOneLine() throws Exception {
        Map<String, Object> settings = new HashMap<>(services.springProperties());
        settings.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:%d/fleet".formatted(freePort()));

        ServiceJar.Outcome outcome = ServiceJar.of("orchestrator").startExpectingFailure(settings);

        assertThat(outcome.exitCode()).isNotZero();
        assertThat(outcome.output())
                .contains("spring.datasource.url: cannot connect to PostgreSQL")
                .contains("SPRING_DATASOURCE_URL");
        assertThat(outcome.stackTraceLines()).isZero();
    }

    @Test
    void missingS3KeyIsNamed() throws Exception {
        Map<String, Object> settings = new HashMap<>(services.springProperties());
        settings.put("fleet.artifacts.access-key", "");

        ServiceJar.Outcome outcome = ServiceJar.of("orchestrator").startExpectingFailure(settings);

        assertThat(outcome.exitCode()).isNotZero();
        // Boot names the property as bound from the environment (accessKey) and the variable it came from.
        assertThat(outcome.output())
                .containsPattern("fleet\\.artifacts\\.access(-k|K)ey")
                .contains("FLEET_ARTIFACTS_ACCESSKEY")
                .contains("must not be blank");
        assertThat(outcome.stackTraceLines()).isZero();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
