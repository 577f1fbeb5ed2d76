package dev.xpfleet.orchestrator.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskControl;
import dev.xpfleet.orchestrator.task.TaskMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/pair/sessions/{id}/fence}: each call hands out the next token and audits it;
 * only the agent role may ask; an unknown session is 404, a session whose task left PAIRING 409.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "fleet.api.bootstrap-agent-token=" + PairFenceApiIT.AGENT)
@FleetServices(database = true)
class PairFenceApiIT {

    static final String AGENT = "pair-fence-agent-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    TaskControl control;

    @Autowired
    JdbcClient jdbc;

    @Test
    void eachLockTakenGetsTheNextTokenUntilTheSessionIsOver() throws Exception {
        Task task = control.create(
                new NewTask(
                        "octo/pair",
                        ThreadLocalRandom.current().nextInt(1, 1_000_000),
                        "Pair",
                        "",
                        TaskMode.PAIR,
                        3,
                        "octocat"),
                false,
                Map.of());
        UUID session = jdbc.sql("SELECT session_id FROM pair_sessions WHERE task_id = :t")
                .param("t", task.id())
                .query(UUID.class)
                .single();

        HttpResponse<String> first = fence(session, AGENT);
        HttpResponse<String> second = fence(session, AGENT);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode a = JSON.readTree(first.body());
        assertThat(a.path("task").asString()).isEqualTo(task.id().toString());
        assertThat(JSON.readTree(second.body()).path("fence").asLong())
                .isEqualTo(a.path("fence").asLong() + 1);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_trail WHERE task_id = :t AND action = 'pair.fenced'")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(2);

        assertThat(fence(session, IsolatedServices.API_TOKEN).statusCode())
                .as("an admin token includes the agent role")
                .isEqualTo(200);
        assertThat(fence(UUID.randomUUID(), AGENT).statusCode()).isEqualTo(404);
        control.cancel(task, "octocat", Map.of());
        HttpResponse<String> over = fence(session, AGENT);
        assertThat(over.statusCode()).isEqualTo(409);
        assertThat(over.body()).contains("the session is over: its task is CANCELLED");
    }

    @Test
    void aViewerMayNotTakeATokenAndNoneMayWithoutOne() throws Exception {
        String viewer = createToken("viewer");
        assertThat(fence(UUID.randomUUID(), viewer).statusCode()).isEqualTo(403);
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(uri(UUID.randomUUID()))
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);
    }

    private String createToken(String role) throws Exception {
        HttpResponse<String> created = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tokens"))
                        .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"name\": \"pair-" + UUID.randomUUID() + "\", \"role\": \"" + role + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("token").asString();
    }

    private HttpResponse<String> fence(UUID session, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(session))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(UUID session) {
        return URI.create("http://127.0.0.1:" + port + "/api/pair/sessions/" + session + "/fence");
    }
}
