package dev.xpfleet.orchestrator.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * With GitHub configured, the orchestrator's forge is the GitHub adapter, and agents get clone
 * credentials from it; nobody else does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices(database = true)
class CloneCredentialsIT {

    static final String TOKEN = "ghp_cloneCredentialsIT0123456789";
    static final WireMockServer SERVER =
            new WireMockServer(options().dynamicPort().extensions(new GitHubSimulator(ForgeContract.temp("github"))));
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void github(DynamicPropertyRegistry registry) {
        if (!SERVER.isRunning()) {
            SERVER.start();
            SERVER.stubFor(any(anyUrl()).willReturn(ok()));
        }
        registry.add("fleet.forge.github.api-url", SERVER::baseUrl);
        registry.add("fleet.forge.github.token", () -> TOKEN);
        registry.add("fleet.forge.github.git-url", () -> "https://git.example.com/{repository}.git");
    }

    @AfterAll
    static void stop() {
        SERVER.stop();
    }

    @Test
    void agentsGetTheCloneUrlAndTokenUncachedOthersDoNot() throws Exception {
        String agent = token("agent");
        String viewer = token("viewer");

        HttpResponse<String> granted = get("/api/forge/clone-credentials?repository=acme/app", agent);
        HttpResponse<String> refused = get("/api/forge/clone-credentials?repository=acme/app", viewer);
        HttpResponse<String> bad = get("/api/forge/clone-credentials?repository=../etc", agent);

        assertThat(granted.statusCode()).isEqualTo(200);
        JsonNode body = EnvelopeCodec.mapper().readTree(granted.body());
        assertThat(body.path("url").asString()).isEqualTo("https://git.example.com/acme/app.git");
        assertThat(body.path("username").asString()).isEqualTo("x-access-token");
        assertThat(body.path("password").asString()).isEqualTo(TOKEN);
        assertThat(granted.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    private String token(String role) throws Exception {
        HttpResponse<String> created = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tokens"))
                        .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"name\":\"" + role + "-" + UUID.randomUUID() + "\",\"role\":\"" + role + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        return EnvelopeCodec.mapper().readTree(created.body()).path("token").asString();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
