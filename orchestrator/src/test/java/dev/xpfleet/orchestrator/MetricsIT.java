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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What an operator's Prometheus sees after real deliveries went through. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "fleet.metrics.refresh-interval=PT0.2S")
@FleetServices(database = true)
class MetricsIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void deliveriesTasksAndTheOutboxAreExported() throws Exception {
        WebhookClient webhooks = new WebhookClient(port);
        var labeled = WebhookClient.issue("issues.labeled", "agent", "OWNER");
        webhooks.send("issues", UUID.randomUUID().toString(), labeled);
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
        theAlertsGaugesShowATaskLongInItsStateAndABudgetNearlySpent(
                labeled.path("issue").path("number").asInt());
    }

    /** The gauges the alerts read (deploy/prometheus): a task long in its state, a budget nearly spent. */
    private void theAlertsGaugesShowATaskLongInItsStateAndABudgetNearlySpent(int issue) throws Exception {
        // As if it had entered DEVELOPING two hours ago.
        jdbc.sql("""
                        UPDATE tasks SET stage_entered_at = stage_entered_at
                               || jsonb_build_object('DEVELOPING', now() - interval '2 hours')
                         WHERE issue_number = :n
                        """).param("n", issue).update();
        String month =
                java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().substring(0, 7);
        jdbc.sql("""
                        INSERT INTO token_budgets (scope, scope_key, limit_tokens, used_tokens, reserved_tokens)
                        VALUES ('GLOBAL_MONTH', :m, 1000, 900, 50)
                        ON CONFLICT (scope, scope_key) DO UPDATE SET limit_tokens = 1000, used_tokens = 900,
                                                                     reserved_tokens = 50
                        """).param("m", month).update();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = scrape();
            assertThat(metrics)
                    .containsPattern("fleet_tasks_oldest_age_seconds\\{state=\"DEVELOPING\"} 7[0-9]{3}\\.0")
                    .contains("fleet_tasks_oldest_age_seconds{state=\"TESTING\"} 0.0")
                    .doesNotContain("fleet_tasks_oldest_age_seconds{state=\"MERGED\"}")
                    .contains("fleet_budget_use_ratio{scope=\"global_month\"} 0.95");
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
