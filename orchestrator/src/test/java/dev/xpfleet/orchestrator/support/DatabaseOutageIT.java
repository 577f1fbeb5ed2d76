package dev.xpfleet.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.orchestrator.webhook.WebhookClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Requests that meet the database away (restarting, unreachable) are answered 503 with a
 * Retry-After, not 500 or 401: the REST API (whose token check itself needs the database), the
 * model gateway in OpenAI's error shape, and the webhook. When the database is back, the same
 * requests are served.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.hikari.connection-timeout=500",
            "spring.datasource.hikari.validation-timeout=250"
        })
@FleetServices(database = true)
class DatabaseOutageIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    IsolatedServices services;

    @Autowired
    DataSourceProperties dataSource;

    @Test
    void requestsMeetingTheDatabaseAwayAreAskedToComeBackAndServedWhenItIsBack() throws Exception {
        assertThat(get("/api/tasks").statusCode()).isEqualTo(200);

        DatabaseSessions.allow(dataSource, services.database(), false);
        try {
            HttpResponse<String> tasks = get("/api/tasks");
            assertThat(tasks.statusCode()).as(tasks.body()).isEqualTo(503);
            assertThat(tasks.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(tasks.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(tasks.body()).contains("the database is unavailable");

            HttpResponse<String> chat = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\": []}")));
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(503);
            assertThat(chat.body()).contains("\"error\"").contains("service_unavailable");

            HttpResponse<String> delivery = new WebhookClient(port)
                    .send(
                            "issues",
                            UUID.randomUUID().toString(),
                            WebhookClient.issue("issues.labeled", "agent", "OWNER"));
            assertThat(delivery.statusCode()).as(delivery.body()).isEqualTo(503);
            assertThat(delivery.headers().firstValue("Retry-After")).hasValue("5");
        } finally {
            DatabaseSessions.allow(dataSource, services.database(), true);
        }

        // Back within one Retry-After: the pool replaces the connections the outage killed while
        // the replica's background jobs ask for connections too, so the first request may still
        // be told to come back; one a client following Retry-After sends is served.
        org.awaitility.Awaitility.await("served once the database is back")
                .atMost(java.time.Duration.ofSeconds(10))
                .pollInterval(java.time.Duration.ofMillis(500))
                .until(() -> get("/api/tasks").statusCode(), status -> status == 200);
        assertThat(new WebhookClient(port)
                        .send(
                                "issues",
                                UUID.randomUUID().toString(),
                                WebhookClient.issue("issues.labeled", "agent", "OWNER"))
                        .statusCode())
                .isEqualTo(202);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + IsolatedServices.API_TOKEN));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
