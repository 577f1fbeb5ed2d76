package dev.xpfleet.orchestrator.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.xpfleet.orchestrator.forge.github.GitHubForge;
import dev.xpfleet.orchestrator.forge.github.GitHubForgeConfiguration;
import dev.xpfleet.orchestrator.forge.github.GitHubProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GitHub saying no, against WireMock with GitHub's response shapes: each answer becomes the
 * documented behaviour, with GitHub's own message.
 */
class GitHubFailuresIT {

    WireMockServer server;
    GitHubForge forge;

    @BeforeEach
    void start() throws IOException {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        forge = GitHubForgeConfiguration.create(
                new GitHubProperties(
                        server.baseUrl(),
                        "ghp_test0123456789",
                        null,
                        null,
                        null,
                        null,
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(10)),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    static String example(String name) {
        try (InputStream in = GitHubFailuresIT.class.getResourceAsStream("/github-api-examples/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void repository() {
        server.stubFor(get("/repos/octocat/Hello-World").willReturn(okJson(example("repository"))));
    }

    @Test
    void badCredentialsAreAClearFailureWithGitHubsMessage() {
        server.stubFor(
                get("/repos/octocat/Hello-World")
                        .willReturn(
                                aResponse()
                                        .withStatus(401)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}")));

        assertThatThrownBy(() -> forge.repository("octocat/Hello-World"))
                .isInstanceOf(ForgeException.class)
                .hasMessage("repository octocat/Hello-World: GitHub refused the credentials (401): Bad credentials");
    }

    @Test
    void aRateLimitResettingLaterThanTheFleetWaitsFailsNamingTheReset() {
        long reset = Instant.now().plusSeconds(3600).getEpochSecond();
        server.stubFor(get("/repos/octocat/Hello-World")
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("X-RateLimit-Limit", "5000")
                        .withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Reset", Long.toString(reset))
                        .withBody("{\"message\":\"API rate limit exceeded for installation ID 1.\"}")));

        assertThatThrownBy(() -> forge.repository("octocat/Hello-World"))
                .isInstanceOf(ForgeException.RateLimited.class)
                .hasMessageContaining("GitHub's rate limit is used up until " + Instant.ofEpochSecond(reset));
    }

    @Test
    void aRateLimitResettingSoonIsWaitedOutAndTheCallSucceeds() {
        long reset = Instant.now().plusSeconds(1).getEpochSecond();
        server.stubFor(get("/repos/octocat/Hello-World")
                .inScenario("limit")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Reset", Long.toString(reset))
                        .withBody("{\"message\":\"API rate limit exceeded\"}"))
                .willSetStateTo("reset"));
        server.stubFor(get("/repos/octocat/Hello-World")
                .inScenario("limit")
                .whenScenarioStateIs("reset")
                .willReturn(okJson(example("repository"))));
        server.stubFor(get("/repos/octocat/Hello-World/branches/master").willReturn(okJson(example("branch"))));

        assertThat(forge.repository("octocat/Hello-World").defaultBranch()).isEqualTo("master");
        server.verify(2, getRequestedFor(urlPathEqualTo("/repos/octocat/Hello-World")));
    }

    @Test
    void aSecondaryLimitIsHonouredWithRetryAfter() {
        server.stubFor(get("/repos/octocat/Hello-World")
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Retry-After", "120")
                        .withBody("{\"message\":\"You have exceeded a secondary rate limit.\"}")));

        assertThatThrownBy(() -> forge.repository("octocat/Hello-World"))
                .isInstanceOf(ForgeException.RateLimited.class)
                .hasMessageContaining("secondary rate limit asks to wait 120 s");
    }

    @Test
    void aSecondaryLimitsRetryAfterAsAnHttpDateIsReadToo() {
        String inAnHour = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusHours(1));
        server.stubFor(get("/repos/octocat/Hello-World")
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Retry-After", inAnHour)
                        .withBody("{\"message\":\"You have exceeded a secondary rate limit.\"}")));

        assertThatThrownBy(() -> forge.repository("octocat/Hello-World"))
                .as("was a NumberFormatException from the handler")
                .isInstanceOf(ForgeException.RateLimited.class)
                .hasMessageContaining("secondary rate limit asks to wait 3");
    }

    @Test
    void aPullRequestThatAlreadyExistsIsFoundNotDuplicated() {
        repository();
        String pr = example("pull-request").replace("\"ref\": \"new-topic\"", "\"ref\": \"agent/x\"");
        server.stubFor(get(urlPathEqualTo("/repos/octocat/Hello-World/pulls"))
                .inScenario("race")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("[]")));
        server.stubFor(post("/repos/octocat/Hello-World/pulls")
                .inScenario("race")
                .willReturn(
                        aResponse()
                                .withStatus(422)
                                .withHeader("Content-Type", "application/json")
                                .withBody(
                                        "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"PullRequest\","
                                                + "\"code\":\"custom\",\"message\":\"A pull request already exists for octocat:agent/x.\"}]}"))
                .willSetStateTo("opened"));
        server.stubFor(get(urlPathEqualTo("/repos/octocat/Hello-World/pulls"))
                .inScenario("race")
                .whenScenarioStateIs("opened")
                .willReturn(okJson("[" + pr + "]")));
        server.stubFor(get(urlPathEqualTo("/repos/octocat/Hello-World/pulls/1347/files"))
                .willReturn(okJson(example("pull-request-files"))));

        Forge.PullRequest found = forge.openPullRequest(
                "octocat/Hello-World", new Forge.NewPullRequest("agent/x", "master", "t", "b", UUID.randomUUID()));

        assertThat(found.number()).isEqualTo(1347);
        assertThat(found.headBranch()).isEqualTo("agent/x");
    }

    @Test
    void aServerErrorIsAClearFailure() {
        server.stubFor(get("/repos/octocat/Hello-World")
                .willReturn(aResponse()
                        .withStatus(502)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Server Error\"}")));

        assertThatThrownBy(() -> forge.repository("octocat/Hello-World"))
                .isInstanceOf(ForgeException.class)
                .hasMessage("repository octocat/Hello-World: GitHub answered 502: Server Error");
    }

    @Test
    void aStalledGitHubTimesOutAsATransientFailure() throws IOException {
        server.stubFor(get("/repos/octocat/Hello-World")
                .willReturn(okJson(example("repository")).withFixedDelay(5_000)));
        GitHubForge impatient = GitHubForgeConfiguration.create(
                new GitHubProperties(
                        server.baseUrl(),
                        "ghp_test",
                        null,
                        null,
                        null,
                        null,
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(1)),
                Clock.systemUTC());
        long start = System.nanoTime();

        assertThatThrownBy(() -> impatient.repository("octocat/Hello-World"))
                .isInstanceOf(ForgeException.Transient.class)
                .hasMessageContaining("cannot reach GitHub");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
}
