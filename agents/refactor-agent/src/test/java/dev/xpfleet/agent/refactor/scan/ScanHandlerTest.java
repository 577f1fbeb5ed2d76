package dev.xpfleet.agent.refactor.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.agent.refactor.testing.SampleForge;
import dev.xpfleet.common.consumer.HandlerContext;
import dev.xpfleet.common.consumer.HandlerResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** A scan of a repository cloned from a bare repository, as from the local forge, with the built-in analysis. */
class ScanHandlerTest {

    @TempDir
    Path dir;

    HandlerResult scan(String fleetYml) throws Exception {
        return scan(fleetYml, null, null);
    }

    /** A scan of acme/shop, with SonarQube at {@code sonar} (null: none) and the fleet's project key for it. */
    HandlerResult scan(String fleetYml, java.net.URI sonar, String sonarProject) throws Exception {
        Path forge = SampleForge.create(dir, fleetYml);
        var props = new RefactorAgentProperties(
                null,
                null,
                forge.toUri() + "{repository}.git",
                dir.resolve("work"),
                sonar,
                "squ_token",
                "{owner}_{name}",
                Duration.ofSeconds(5),
                50);
        var payload = EnvelopeCodec.mapper().createObjectNode().put("repository", "acme/shop");
        if (sonarProject != null) {
            payload.put("sonarProject", sonarProject);
        }
        Envelope envelope = Envelope.create(MessageTypes.REFACTOR_SCAN, UUID.randomUUID(), 1, payload);
        return new ScanHandler(props).handle(envelope, new HandlerContext("k", AgentRole.REFACTOR, "c", 1, null));
    }

    @Test
    void answersTheRankedGroupsOfTheDefaultBranch() throws Exception {
        HandlerResult result = scan("refactor:\n  max-issues: 2\n  weekly-token-budget: 5000\n");

        assertThat(result).isInstanceOf(HandlerResult.Completed.class);
        JsonNode output = ((HandlerResult.Completed) result).output();
        assertThat(output.path("source").asString()).isEqualTo("builtin");
        assertThat(output.path("settings").path("maxIssues").asInt()).isEqualTo(2);
        assertThat(output.path("settings").path("weeklyTokens").asLong()).isEqualTo(5000);
        assertThat(output.path("groups")).singleElement().satisfies(g -> {
            assertThat(g.path("file").asString()).isEqualTo("src/main/java/demo/Pricing.java");
            assertThat(g.path("rule").asString()).isEqualTo("builtin:method-complexity");
            assertThat(g.path("fingerprint").asString()).hasSize(24);
        });
        assertThat(output.path("measures").path("complexity").asLong()).isEqualTo(15);
        assertThat(Files.list(dir.resolve("work/workspaces")))
                .as("the workspace is removed")
                .isEmpty();
    }

    @Test
    void aRepositoryThatTurnedItOffOrAsksForAMissingSonarQube() throws Exception {
        HandlerResult off = scan("refactor:\n  enabled: false\n");
        assertThat(((HandlerResult.Completed) off).output().path("groups")).isEmpty();

        Files.walk(dir)
                .sorted(java.util.Comparator.reverseOrder())
                .filter(p -> !p.equals(dir))
                .forEach(p -> p.toFile().delete());
        HandlerResult sonar = scan("refactor:\n  source: sonarqube\n");
        assertThat(sonar)
                .isInstanceOfSatisfying(
                        HandlerResult.Failed.class, f -> assertThat(f.reason()).contains("fleet.refactor.sonar-url"));

        Files.walk(dir)
                .sorted(java.util.Comparator.reverseOrder())
                .filter(p -> !p.equals(dir))
                .forEach(p -> p.toFile().delete());
        HandlerResult wrong = scan("refactor:\n  max-issues: lots\n");
        assertThat(wrong)
                .isInstanceOfSatisfying(
                        HandlerResult.Failed.class,
                        f -> assertThat(f.reason()).contains("refactor.max-issues must be a whole number"));

        Files.walk(dir)
                .sorted(java.util.Comparator.reverseOrder())
                .filter(p -> !p.equals(dir))
                .forEach(p -> p.toFile().delete());
        HandlerResult glob = scan("refactor:\n  exclude: ['src/[']\n");
        assertThat(glob)
                .isInstanceOfSatisfying(
                        HandlerResult.Failed.class,
                        f -> assertThat(f.reason()).contains("refactor.exclude has a glob that is not one"));
    }

    @Test
    void withSonarQubeTheRecordedIssuesBecomeRankedGroupsPerFileAndFamily() throws Exception {
        var sonar = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig()
                        .dynamicPort()
                        .usingFilesUnderDirectory("src/test/resources/sonarqube"));
        sonar.start();
        try {
            sonar.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/issues/search"))
                    .withQueryParam("componentKeys", com.github.tomakehurst.wiremock.client.WireMock.equalTo("probe"))
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                            .withBodyFile("body-api-issues-search-o8Ec6.json")));
            sonar.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/hotspots/search"))
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                            .withBodyFile("body-api-hotspots-search-QLsij.json")));
            sonar.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                            com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/measures/component"))
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                            .withBody("{\"component\":{\"key\":\"probe\",\"measures\":["
                                    + "{\"metric\":\"sqale_index\",\"value\":\"85\"},"
                                    + "{\"metric\":\"complexity\",\"value\":\"12\"}]}}")));

            HandlerResult result = scan(null, java.net.URI.create(sonar.baseUrl()), "probe");

            JsonNode output = ((HandlerResult.Completed) result).output();
            assertThat(output.path("source").asString()).isEqualTo("sonarqube");
            assertThat(output.path("project").asString())
                    .as("the fleet's key, not the template's")
                    .isEqualTo("probe");
            assertThat(output.path("measures").path("debtMinutes").asLong()).isEqualTo(85);
            assertThat(output.path("hotspots").asInt()).isEqualTo(6);
            // Six findings, four refactorings: one per file and family, the critical security
            // finding first.
            assertThat(output.path("groups"))
                    .extracting(g -> g.path("file").asString().replace("src/main/java/demo/", "") + " "
                            + g.path("family").asString())
                    .containsExactlyInAnyOrder(
                            "Vuln.java security",
                            "Vuln.java reliability",
                            "Vuln.java maintainability",
                            "Calc.java maintainability");
            assertThat(output.path("groups").get(0).path("family").asString()).isEqualTo("security");
            assertThat(output.path("groups").get(0).path("locations")).hasSize(2);
        } finally {
            sonar.stop();
        }
    }
}
