package dev.xpfleet.orchestrator.forge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An issue opened on the local forge starts work exactly as a GitHub delivery would. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices(database = true)
class LocalForgeApiIT {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void forge(DynamicPropertyRegistry registry) throws Exception {
        Path root = Files.createTempDirectory("forge-api");
        registry.add("fleet.forge.local-root", root::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anIssueWithTheAgentLabelStartsATaskAndOneWithoutDoesNot() throws Exception {
        String repo = "acme/shop-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = post("/api/forge/local/repositories", "{\"repository\":\"" + repo + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("defaultBranch").asString())
                .isEqualTo("main");

        HttpResponse<String> labelled = post(
                "/api/forge/local/repositories/" + repo + "/issues",
                "{\"title\":\"Add a cart\",\"body\":\"Users want a cart\",\"labels\":[\"agent\"]}");
        HttpResponse<String> plain =
                post("/api/forge/local/repositories/" + repo + "/issues", "{\"title\":\"Just a note\"}");

        assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(201);
        JsonNode answer = JSON.readTree(labelled.body());
        assertThat(answer.path("outcome").asString()).isEqualTo("TASK_CREATED");
        assertThat(jdbc.sql("SELECT state FROM tasks WHERE id = :id")
                        .param("id", UUID.fromString(answer.path("task").asString()))
                        .query(String.class)
                        .single())
                .isEqualTo("DEVELOPING");
        assertThat(answer.path("issue").path("number").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(plain.body()).path("outcome").asString()).isEqualTo("IGNORED");
        assertThat(get("/api/forge/local/repositories/" + repo + "/pulls").body())
                .isEqualTo("[]");
    }

    @Test
    void badInputIsRefusedClearly() throws Exception {
        assertThat(post("/api/forge/local/repositories", "{\"repository\":\"../../etc\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(post("/api/forge/local/repositories/acme/none/issues", "{\"title\":\"x\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(get("/api/forge/local/repositories/acme/none/pulls/1").statusCode())
                .isEqualTo(404);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        request.header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
