package dev.xpfleet.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST API over HTTP: tokens and roles, tasks, errors as problem details. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "fleet.api.bootstrap-agent-token=" + ApiIT.AGENT,
            "fleet.api.bootstrap-scraper-token=" + ApiIT.SCRAPER
        })
@FleetServices(database = true)
class ApiIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = IsolatedServices.API_TOKEN;

    static final Path RECORDINGS;

    static {
        try {
            RECORDINGS = Files.createTempDirectory("api-recordings");
            Files.writeString(
                    RECORDINGS.resolve("usage.conversation.json"),
                    "{\"match\": [\"usage check\"], \"answers\": [\"a scripted answer of a recording\"]}");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void recordedModel(DynamicPropertyRegistry registry) {
        registry.add("fleet.gateway.providers.recorded.type", () -> "replay");
        registry.add("fleet.gateway.providers.recorded.directory", RECORDINGS::toString);
        registry.add("fleet.gateway.default-provider", () -> "recorded");
    }

    @LocalServerPort
    int port;

    @Test
    void everythingButHealthAndTheWebhookNeedsAToken() throws Exception {
        assertThat(call("GET", "/api/tasks", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/actuator/prometheus", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/tasks", "fleet_wrong", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/actuator/health/readiness", null, null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> unauthorized = call("GET", "/api/tasks", null, null);
        assertThat(unauthorized.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void theOpenApiDescriptionCoversEveryEndpointAndNamesTheBearerScheme() throws Exception {
        assertThat(call("GET", "/v3/api-docs", null, null).statusCode()).isEqualTo(401);

        HttpResponse<String> docs = call("GET", "/v3/api-docs", ADMIN, null);

        assertThat(docs.statusCode()).isEqualTo(200);
        var paths = JSON.readTree(docs.body()).path("paths");
        assertThat(paths.propertyNames())
                .contains(
                        "/api/tasks",
                        "/api/tasks/{id}",
                        "/api/tasks/{id}/timeline",
                        "/api/tasks/{id}/results",
                        "/api/tasks/{id}/cancel",
                        "/api/tasks/{id}/retry",
                        "/api/outbox/blocked",
                        "/api/outbox/{id}/unblock",
                        "/api/tokens",
                        "/webhooks/github");
        assertThat(docs.body()).contains("\"bearer\"");
        var webhookSecurity = paths.path("/webhooks/github").path("post").path("security");
        assertThat(webhookSecurity.isArray() && webhookSecurity.isEmpty())
                .as("the webhook is signed, not bearer-authenticated")
                .isTrue();
    }

    @Test
    void rolesLimitWhatATokenMayDo() throws Exception {
        HttpResponse<String> created =
                call("POST", "/api/tokens", ADMIN, "{\"name\":\"dashboard\",\"role\":\"viewer\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String viewer = JSON.readTree(created.body()).path("token").asString();

        assertThat(call("GET", "/api/tasks", viewer, null).statusCode()).isEqualTo(200);
        HttpResponse<String> refused =
                call("POST", "/api/tasks", viewer, "{\"repository\":\"octo/repo\",\"title\":\"x\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("operator");
        assertThat(call("POST", "/api/tokens", viewer, "{\"name\":\"x\",\"role\":\"admin\"}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(call("POST", "/api/tokens", ADMIN, "{\"name\":\"dashboard\",\"role\":\"viewer\"}")
                        .statusCode())
                .as("names are unique")
                .isEqualTo(400);
    }

    static final String AGENT = "it-agent-token-0123456789abcdef0123456789";

    static final String SCRAPER = "fleet_scraper_bootstrap_token_for_the_api_test_0123";

    @Test
    void theConfiguredAgentTokenHasTheAgentRoleAndNoMore() throws Exception {
        assertThat(call("GET", "/api/tasks", AGENT, null).statusCode()).isEqualTo(200);
        HttpResponse<String> create =
                call("POST", "/api/tasks", AGENT, "{\"repository\":\"octo/repo\",\"title\":\"x\"}");
        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(create.body()).contains("this needs the operator role");
        assertThat(call("POST", "/v1/chat/completions", AGENT, "{}").statusCode())
                .as("past authorisation, refused by the gateway for its missing headers")
                .isEqualTo(400);
    }

    @Test
    void anAdminRevokesATokenByNameAndItIsRefusedFromThen() throws Exception {
        String name = "rotated-" + UUID.randomUUID();
        String viewer = JSON.readTree(
                        call("POST", "/api/tokens", ADMIN, "{\"name\":\"" + name + "\",\"role\":\"viewer\"}")
                                .body())
                .path("token")
                .asString();
        assertThat(call("GET", "/api/tasks", viewer, null).statusCode()).isEqualTo(200);
        assertThat(call("DELETE", "/api/tokens/" + name, viewer, null).statusCode())
                .as("a viewer revokes nothing")
                .isEqualTo(403);

        assertThat(call("DELETE", "/api/tokens/" + name, ADMIN, null).statusCode())
                .isEqualTo(204);
        assertThat(call("GET", "/api/tasks", viewer, null).statusCode()).isEqualTo(401);
        HttpResponse<String> again = call("DELETE", "/api/tokens/" + name, ADMIN, null);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.body()).contains("no active token named");
        assertThat(call("DELETE", "/api/tokens/bootstrap-admin", ADMIN, null).statusCode())
                .as("a configured token is replaced through its setting")
                .isEqualTo(409);
    }

    @Test
    void theConfiguredScraperTokenReadsMetricsAndNothingElse() throws Exception {
        assertThat(call("GET", "/actuator/prometheus", SCRAPER, null).statusCode())
                .isEqualTo(200);
        assertThat(call("GET", "/api/tasks", SCRAPER, null).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/actuator/health/readiness", SCRAPER, null).statusCode())
                .isEqualTo(200);
        assertThat(call("GET", "/actuator/info", SCRAPER, null).statusCode()).isEqualTo(403);
    }

    @Test
    void prometheusGetsAScrapeTokenThatReadsMetricsAndNothingElse() throws Exception {
        String scraper = JSON.readTree(call(
                                "POST",
                                "/api/tokens",
                                ADMIN,
                                "{\"name\":\"prometheus-" + UUID.randomUUID() + "\",\"role\":\"scraper\"}")
                        .body())
                .path("token")
                .asString();

        assertThat(call("GET", "/actuator/prometheus", scraper, null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> tasks = call("GET", "/api/tasks", scraper, null);
        assertThat(tasks.statusCode()).isEqualTo(403);
        assertThat(tasks.body()).contains("this needs the viewer role");
        assertThat(tasks.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void onlyPathsWithARuleAreOpenAndNoSessionIsKept() throws Exception {
        HttpResponse<String> viewerOnActuator = call("GET", "/actuator/info", viewerToken(), null);
        assertThat(viewerOnActuator.statusCode()).isEqualTo(403);
        assertThat(viewerOnActuator.body()).contains("this needs the operator role");

        HttpResponse<String> unknown = call("GET", "/api/no-such-thing", ADMIN, null);
        assertThat(unknown.statusCode()).as("a path without a rule is closed").isEqualTo(403);
        assertThat(unknown.body()).contains("no role may call this path");

        HttpResponse<String> basic = call("GET", "/api/tasks", null, null, Map.of("Authorization", "Basic YTpi"));
        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(basic.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");

        HttpResponse<String> ok = call("GET", "/api/tasks", ADMIN, null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Set-Cookie")).as("stateless").isEmpty();
        assertThat(call("GET", "/actuator/health", "fleet_wrong", null).statusCode())
                .as("health answers whatever token comes with it")
                .isEqualTo(200);
    }

    private String viewerToken() throws Exception {
        return JSON.readTree(call(
                                "POST",
                                "/api/tokens",
                                ADMIN,
                                "{\"name\":\"viewer-" + UUID.randomUUID() + "\",\"role\":\"viewer\"}")
                        .body())
                .path("token")
                .asString();
    }

    @Test
    void anOperatorCreatesFollowsCancelsATaskAndIllegalMovesAreConflicts() throws Exception {
        HttpResponse<String> created = call(
                "POST",
                "/api/tasks",
                ADMIN,
                "{\"repository\":\"octo/repo\",\"title\":\"Refactor Calc\",\"body\":\"hotspot\",\"maxIters\":2}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode task = JSON.readTree(created.body());
        String id = task.path("id").asString();
        assertThat(task.path("state").asString()).isEqualTo("DEVELOPING");
        assertThat(created.headers().firstValue("Location")).hasValue("/api/tasks/" + id);

        JsonNode view =
                JSON.readTree(call("GET", "/api/tasks/" + id, ADMIN, null).body());
        assertThat(view.path("task").path("title").asString()).isEqualTo("Refactor Calc");
        assertThat(view.path("usage").path("gateway").path("calls").asLong()).isZero();
        HttpResponse<String> answered = call(
                "POST",
                "/v1/chat/completions",
                ADMIN,
                "{\"messages\":[{\"role\":\"user\",\"content\":\"usage check\"}],\"max_tokens\":50}",
                Map.of("X-Fleet-Task", id, "X-Fleet-Role", "dev"));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        JsonNode usage = JSON.readTree(
                        call("GET", "/api/tasks/" + id, ADMIN, null).body())
                .path("usage")
                .path("gateway");
        assertThat(usage.path("calls").asLong()).isEqualTo(1);
        assertThat(usage.path("replayed_calls").asLong()).isEqualTo(1);
        assertThat(usage.path("prompt_tokens").asLong()).isPositive();
        assertThat(usage.path("completion_tokens").asLong()).isPositive();
        JsonNode listed = JSON.readTree(call("GET", "/api/tasks?state=developing&repository=octo/repo", ADMIN, null)
                .body());
        assertThat(listed.path("items").toString()).contains(id);
        assertThat(listed.path("total").asLong()).isOne();
        assertThat(listed.path("next").isNull()).isTrue();
        call("POST", "/api/tasks", ADMIN, "{\"repository\":\"octo/repo\",\"title\":\"Second\",\"body\":\"b\"}");
        JsonNode firstPage = JSON.readTree(call("GET", "/api/tasks?repository=octo/repo&size=1", ADMIN, null)
                .body());
        assertThat(firstPage.path("items")).hasSize(1);
        assertThat(firstPage.path("total").asLong()).isEqualTo(2);
        assertThat(firstPage.path("next").asString()).isEqualTo("/api/tasks?page=1&size=1&repository=octo%2Frepo");
        JsonNode secondPage = JSON.readTree(
                call("GET", firstPage.path("next").asString(), ADMIN, null).body());
        assertThat(secondPage.path("items")).hasSize(1);
        assertThat(secondPage.path("next").isNull()).isTrue();
        assertThat(secondPage.path("items").get(0).path("id").asString())
                .isNotEqualTo(firstPage.path("items").get(0).path("id").asString());

        assertThat(JSON.readTree(call("POST", "/api/tasks/" + id + "/cancel", ADMIN, null)
                                .body())
                        .path("state")
                        .asString())
                .isEqualTo("CANCELLED");
        HttpResponse<String> retry = call("POST", "/api/tasks/" + id + "/retry", ADMIN, null);
        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(retry.body()).contains("from CANCELLED to QUEUED");

        assertThat(call("GET", "/api/tasks/" + id + "/timeline", ADMIN, null).body())
                .contains("task.created")
                .contains("task.cancelled");
        HttpResponse<String> results = call("GET", "/api/tasks/" + id + "/results", ADMIN, null);
        assertThat(results.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(results.body()).isArray()).isTrue();
        assertThat(call("GET", "/api/tasks/" + id + "/results", null, null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void badInputGetsProblemDetailsNotStackTraces() throws Exception {
        HttpResponse<String> missing = call("GET", "/api/tasks/0199a8a0-0000-7000-8000-000000000000", ADMIN, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"status\":404");
        assertThat(call("GET", "/api/tasks/not-a-uuid", ADMIN, null).statusCode())
                .isEqualTo(400);
        assertThat(call("GET", "/api/tasks?state=NOPE", ADMIN, null).statusCode())
                .isEqualTo(400);
        HttpResponse<String> badRepo = call("POST", "/api/tasks", ADMIN, "{\"repository\":\"../etc\",\"title\":\"x\"}");
        assertThat(badRepo.statusCode()).isEqualTo(400);
        assertThat(badRepo.body()).contains("owner/name").doesNotContain("\tat ");
        assertThat(call("POST", "/api/tasks", ADMIN, "{broken").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/outbox/999999/unblock", ADMIN, null).statusCode())
                .isEqualTo(404);
        assertThat(call("GET", "/api/outbox/blocked", ADMIN, null).body()).isEqualTo("[]");
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        return call(method, path, token, body, Map.of());
    }

    private HttpResponse<String> call(
            String method, String path, String token, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
