package dev.xpfleet.agent.qa.verify;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.xpfleet.agent.qa.QaTestDirs;
import dev.xpfleet.common.artifact.ArtifactKeys;
import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.AgentProbe;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * With {@code fleet.qa.orchestrator-url} set, the QA agent holds no forge address or credentials of
 * its own: it asks the orchestrator (here WireMock standing in for it) how to clone, with its agent
 * token, and clones from the answer.
 */
@SpringBootTest
@FleetServices
class CloneFromOrchestratorIT {

    static final Path WORK = QaTestDirs.work("qa-clone-it");
    static final WireMockServer ORCHESTRATOR = new WireMockServer(options().dynamicPort());

    @Autowired
    IsolatedServices services;

    @Autowired
    ArtifactStore artifacts;

    @DynamicPropertySource
    static void qa(DynamicPropertyRegistry registry) {
        if (!ORCHESTRATOR.isRunning()) {
            ORCHESTRATOR.start();
        }
        registry.add("fleet.qa.orchestrator-url", ORCHESTRATOR::baseUrl);
        registry.add("fleet.qa.orchestrator-token", () -> "fleet_agent_token_for_qa");
        registry.add("fleet.qa.work-root", WORK::toString);
        registry.add("fleet.qa.tools-dir", () -> QaTestDirs.tools().toString());
    }

    @AfterAll
    static void stop() {
        ORCHESTRATOR.stop();
    }

    @Test
    void theCloneUrlAndTokenComeFromTheOrchestrator() throws Exception {
        String name = "calc" + System.nanoTime();
        TestRepository repo = TestRepository.at(WORK, WORK.resolve("elsewhere/" + name), Projects.python());
        ORCHESTRATOR.stubFor(get(urlPathEqualTo("/api/forge/clone-credentials"))
                .withQueryParam("repository", equalTo("demo/" + name))
                .withHeader("Authorization", equalTo("Bearer fleet_agent_token_for_qa"))
                .willReturn(okJson("{\"url\":\"" + repo.uri()
                        + "\",\"username\":\"x-access-token\",\"password\":\"ghs_shortLived\"}")));
        UUID task = UuidV7.next();
        String patchKey = ArtifactKeys.task(task, "dev", "iter_1.patch");
        artifacts.put(patchKey, repo.diff(Projects.pythonGoodChange()).getBytes(StandardCharsets.UTF_8), "text/x-diff");
        ObjectNode payload = EnvelopeCodec.mapper().createObjectNode().put("repository", "demo/" + name);
        payload.putObject("previous").put("patch", patchKey).put("baseCommit", repo.baseCommit);

        AgentResult result = new AgentProbe(services)
                .request(
                        AgentRole.QA, Envelope.create(MessageTypes.QA_VERIFY, task, 1, payload), Duration.ofMinutes(2));

        assertThat(result.outcome()).isEqualTo(AgentResult.Outcome.COMPLETED);
        assertThat(result.output().path("verdict").asString()).isEqualTo("PASSED");
        ORCHESTRATOR.verify(1, getRequestedFor(urlPathEqualTo("/api/forge/clone-credentials")));
    }
}
