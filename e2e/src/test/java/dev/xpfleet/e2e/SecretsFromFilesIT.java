package dev.xpfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.ServiceJar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack's way of handing credentials over: Docker mounts each secret as a file under
 * /run/secrets named after the property it sets, and the services read that directory as Spring's
 * configtree. Here the orchestrator's jar gets its database password, its S3 keys, the webhook
 * secret and its admin token only as such files (one written with the newline {@code echo} leaves),
 * and none in its environment: it connects, and the token from the file is the one it accepts.
 */
class SecretsFromFilesIT {

    private static final List<String> AS_FILES = List.of(
            "spring.datasource.password",
            "fleet.artifacts.access-key",
            "fleet.artifacts.secret-key",
            "fleet.webhook.secrets",
            "fleet.api.bootstrap-admin-token");

    @TempDir
    Path secrets;

    @Test
    void theOrchestratorReadsItsCredentialsFromSecretFilesAlone() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (IsolatedServices services = IsolatedServices.create("e2e-secrets", true)) {
            Map<String, Object> settings = new HashMap<>(services.springProperties());
            for (String property : AS_FILES) {
                Object value = settings.remove(property);
                assertThat(value).as(property).isNotNull();
                Files.writeString(secrets.resolve(property), value + (property.startsWith("spring.") ? "\n" : ""));
            }
            int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            settings.put("server.port", port);
            settings.put("spring.config.import", "optional:configtree:" + secrets.toAbsolutePath() + "/");
            Path log = Files.createDirectories(E2eDirs.ROOT.resolve("e2e/target/logs"))
                    .resolve("secrets-orchestrator.log");
            Process orchestrator =
                    ServiceJar.at(E2eDirs.jar("orchestrator", "orchestrator")).start(settings, log);
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                await("ready with the database password from a file (log " + log + ")")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions()
                        .until(() -> {
                            assertThat(orchestrator.isAlive())
                                    .as("running; see " + log)
                                    .isTrue();
                            return http.send(
                                                    HttpRequest.newBuilder(base.resolve("/actuator/health/readiness"))
                                                            .build(),
                                                    HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200;
                        });
                HttpResponse<String> tasks = http.send(
                        HttpRequest.newBuilder(base.resolve("/api/tasks"))
                                .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(tasks.statusCode()).as(tasks.body()).isEqualTo(200);
                assertThat(Files.readString(log))
                        .as("no secret in the log")
                        .doesNotContain(IsolatedServices.API_TOKEN)
                        .doesNotContain(services.endpoints().postgres().password());
            } finally {
                orchestrator.destroyForcibly().waitFor();
            }
        }
    }
}
