package dev.xpfleet.agent.refactor.sonar;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.xpfleet.agent.refactor.rank.Hotspot;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SonarQube client against WireMock serving the responses recorded from a real SonarQube 26.9
 * ({@code src/test/resources/sonarqube/__files}, see its README). The measures answer and the
 * error answers are written here in the Web API's documented shape (none was recorded).
 */
class SonarClientTest {

    static final Path RECORDED = Path.of("src/test/resources/sonarqube");
    static final String ISSUES = "body-api-issues-search-o8Ec6.json";
    static final String HOTSPOTS = "body-api-hotspots-search-QLsij.json";

    WireMockServer sonar;
    SonarClient client;

    @BeforeEach
    void start() {
        sonar = new WireMockServer(wireMockConfig().dynamicPort().usingFilesUnderDirectory(RECORDED.toString()));
        sonar.start();
        client = new SonarClient(URI.create(sonar.baseUrl()), "squ_secret", Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        sonar.stop();
    }

    @Test
    void readsTheRecordedIssuesAndAnEmptyHotspotsAnswer() throws Exception {
        sonar.stubFor(get(urlPathEqualTo("/api/issues/search"))
                .withQueryParam("componentKeys", equalTo("probe"))
                .withQueryParam("p", equalTo("1"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBodyFile(ISSUES)));
        sonar.stubFor(get(urlPathEqualTo("/api/hotspots/search"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBodyFile(HOTSPOTS)));

        List<Hotspot> found = client.hotspots("probe");

        assertThat(found).hasSize(6);
        assertThat(found)
                .extracting(Hotspot::file)
                .containsOnly("src/main/java/demo/Calc.java", "src/main/java/demo/Vuln.java");
        Hotspot weakHash = found.stream()
                .filter(h -> h.rule().equals("java:S4790"))
                .findFirst()
                .orElseThrow();
        assertThat(weakHash.family()).isEqualTo("security");
        assertThat(weakHash.severity()).isEqualTo("CRITICAL");
        assertThat(weakHash.debtMinutes()).isEqualTo(30);
        assertThat(weakHash.line()).isEqualTo(10);
        assertThat(weakHash.since()).isNotNull();
        assertThat(weakHash.ruleName())
                .as("no rule names came with the recorded answer: the key, never the message (it quotes code)")
                .isEqualTo("java:S4790");
        assertThat(found.stream()
                        .filter(h -> h.rule().equals("java:S2095"))
                        .findFirst()
                        .orElseThrow()
                        .family())
                .isEqualTo("reliability");
        // The token goes as the Basic user name, as SonarQube expects.
        sonar.verify(getRequestedFor(urlPathEqualTo("/api/issues/search"))
                .withHeader("Authorization", equalTo("Basic c3F1X3NlY3JldDo=")));
    }

    @Test
    void ruleNamesComeFromTheRulesSentWithTheIssues() throws Exception {
        sonar.stubFor(get(urlPathEqualTo("/api/issues/search"))
                .withQueryParam("additionalFields", equalTo("rules"))
                .willReturn(aResponse().withBody("""
                        {"paging":{"pageIndex":1,"pageSize":500,"total":1},"issues":[{"key":"i1","rule":"java:S3776",
                         "severity":"CRITICAL","component":"probe:src/main/java/demo/Calc.java","line":3,
                         "message":"Refactor this method to reduce its Cognitive Complexity from 18 to the 15 allowed.",
                         "effort":"8min","type":"CODE_SMELL"}],
                         "rules":[{"key":"java:S3776","name":"Cognitive Complexity of methods should not be too high",
                         "status":"READY","lang":"java","langName":"Java"}]}""")));
        sonar.stubFor(get(urlPathEqualTo("/api/hotspots/search"))
                .willReturn(aResponse().withStatus(404)));

        assertThat(client.hotspots("probe")).singleElement().satisfies(h -> {
            assertThat(h.ruleName()).isEqualTo("Cognitive Complexity of methods should not be too high");
            assertThat(h.family()).isEqualTo("complexity");
            assertThat(h.debtMinutes()).isEqualTo(8);
        });
    }

    @Test
    void followsPagesToTheEnd() throws Exception {
        JsonNode recorded = JsonMapper.builder()
                .build()
                .readTree(Files.readString(RECORDED.resolve("__files").resolve(ISSUES)));
        for (int page = 1; page <= 2; page++) {
            ObjectNode half = (ObjectNode) recorded.deepCopy();
            ArrayNode issues = half.putArray("issues");
            for (int i = (page - 1) * 3; i < page * 3; i++) {
                issues.add(recorded.get("issues").get(i));
            }
            half.putObject("paging").put("pageIndex", page).put("pageSize", 3).put("total", 6);
            sonar.stubFor(get(urlPathEqualTo("/api/issues/search"))
                    .withQueryParam("p", equalTo(String.valueOf(page)))
                    .willReturn(aResponse()
                            .withHeader("Content-Type", "application/json")
                            .withBody(half.toString())));
        }
        sonar.stubFor(get(urlPathEqualTo("/api/hotspots/search"))
                .willReturn(aResponse().withStatus(404)));

        assertThat(client.hotspots("probe"))
                .hasSize(6)
                .extracting(Hotspot::rule)
                .doesNotHaveDuplicates();
    }

    @Test
    void aGoneHotspotsApiIsNoHotspotsAndItsAnswersCountWhenThere() throws Exception {
        sonar.stubFor(get(urlPathEqualTo("/api/issues/search"))
                .willReturn(aResponse()
                        .withBody("{\"paging\":{\"pageIndex\":1,\"pageSize\":500,\"total\":0},\"issues\":[]}")));
        sonar.stubFor(get(urlPathEqualTo("/api/hotspots/search"))
                .willReturn(aResponse().withStatus(410)));
        assertThat(client.hotspots("probe")).isEmpty();

        sonar.stubFor(get(urlPathEqualTo("/api/hotspots/search"))
                .willReturn(aResponse().withBody("""
                        {"paging":{"pageIndex":1,"pageSize":500,"total":1},"hotspots":[{"key":"h1",
                         "component":"probe:src/main/java/demo/Vuln.java","securityCategory":"sql-injection",
                         "vulnerabilityProbability":"HIGH","status":"TO_REVIEW","line":7,
                         "message":"Make sure using a dynamically formatted SQL query is safe here.",
                         "ruleKey":"java:S2077","creationDate":"2026-11-24T16:11:18+0000"}]}""")));
        List<Hotspot> found = client.hotspots("probe");
        assertThat(found).singleElement().satisfies(h -> {
            assertThat(h.family()).isEqualTo("security");
            assertThat(h.severity()).isEqualTo("CRITICAL");
            assertThat(h.file()).isEqualTo("src/main/java/demo/Vuln.java");
            assertThat(h.ruleName()).isEqualTo("Security hotspot: sql-injection");
        });
    }

    @Test
    void readsTheMeasures() throws Exception {
        sonar.stubFor(get(urlPathEqualTo("/api/measures/component"))
                .withQueryParam("component", equalTo("probe"))
                .willReturn(aResponse().withBody("""
                        {"component":{"key":"probe","name":"probe","qualifier":"TRK","measures":[
                          {"metric":"complexity","value":"12"},{"metric":"sqale_index","value":"85"},
                          {"metric":"cognitive_complexity","value":"7"},{"metric":"ncloc","value":"140"}]}}""")));

        Map<String, Double> measures = client.measures("probe");

        assertThat(measures)
                .containsEntry("complexity", 12.0)
                .containsEntry("sqale_index", 85.0)
                .doesNotContainKey("duplicated_lines");
    }

    @Test
    void errorsSayWhatFailed() {
        sonar.stubFor(get(urlPathEqualTo("/api/issues/search"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withBody("{\"errors\":[{\"msg\":\"Component key 'nope' not found\"}]}")));
        assertThatThrownBy(() -> client.hotspots("nope"))
                .isInstanceOf(SonarException.class)
                .hasMessageContaining("answered 400")
                .hasMessageContaining("Component key 'nope' not found");

        sonar.stubFor(
                get(urlPathEqualTo("/api/issues/search")).willReturn(aResponse().withStatus(401)));
        assertThatThrownBy(() -> client.hotspots("probe"))
                .hasMessageContaining("refused the token")
                .hasMessageNotContaining("squ_secret");

        sonar.stubFor(
                get(urlPathEqualTo("/api/issues/search")).willReturn(aResponse().withBody("<html>maintenance</html>")));
        assertThatThrownBy(() -> client.hotspots("probe")).hasMessageContaining("something else than JSON");

        sonar.stubFor(get(urlPathEqualTo("/api/measures/component"))
                .willReturn(aResponse().withStatus(503).withBody("down")));
        assertThatThrownBy(() -> client.measures("probe")).hasMessageContaining("answered 503: down");

        sonar.stop();
        assertThatThrownBy(() -> client.hotspots("probe")).hasMessageContaining("could not be asked");
    }

    @Test
    void effortsAreMinutes() {
        assertThat(SonarClient.minutes("5min")).isEqualTo(5);
        assertThat(SonarClient.minutes("1h 30min")).isEqualTo(90);
        assertThat(SonarClient.minutes("2d")).isEqualTo(960);
        assertThat(SonarClient.minutes("soon")).isZero();
        assertThat(SonarClient.minutes("")).isZero();
        assertThat(SonarClient.minutes("99999999999999999999d"))
                .as("no overflow")
                .isEqualTo(1_000_000);
    }
}
