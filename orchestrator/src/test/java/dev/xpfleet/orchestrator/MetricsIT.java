package dev.xpfleet.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.orchestrator.webhook.WebhookClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What an operator's Prometheus sees after real deliveries went through. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "fleet.metrics.refresh-interval=PT0.2S")
@FleetServices(database = true)
class MetricsIT {

    @LocalServerPort
    int port;

    @Test
    void deliveriesTasksAndTheOutboxAreExported() throws Exception {
        WebhookClient webhooks = new WebhookClient(port);
        webhooks.send("issues", UUID.randomUUID().toString(), WebhookClient.issue("issues.labeled", "agent", "OWNER"));
        webhooks.send("issues", UUID.randomUUID().toString(), WebhookClient.issue("issues.opened", "agent", "NONE"));
        webhooks.post("issues", "x", "{}".getBytes(StandardCharsets.UTF_8), "sha256=00");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = scrape();
            assertThat(metrics)
                    .contains("fleet_webhook_deliveries_total{event=\"issues\",outcome=\"TASK_CREATED\"} 1.0")
                    .contains("fleet_webhook_deliveries_total{event=\"issues\",outcome=\"REFUSED_UNTRUSTED\"} 1.0")
                    .contains("fleet_webhook_deliveries_total{event=\"unverified\",outcome=\"BAD_SIGNATURE\"} 1.0")
                    .contains("fleet_tasks{state=\"DEVELOPING\"} 1.0")
                    .contains("fleet_tasks{state=\"MERGED\"} 0.0")
                    // the relay published the task's message, so nothing is left pending
                    .contains("fleet_outbox_pending 0.0")
                    .contains("fleet_outbox_blocked 0.0")
                    .contains("fleet_outbox_published_total 1.0")
                    .contains("fleet_outbox_lag_seconds_count 1")
                    .contains("fleet_results_lag_seconds_count 0")
                    .contains("fleet_consumer_dead_lettered_total{role=\"orchestrator\"} 0.0");
        });
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        // every meter carries the common application tag; leave it out to keep the assertions short
        return response.body()
                .replace("{application=\"orchestrator\"}", "")
                .replace("application=\"orchestrator\",", "");
    }
}
