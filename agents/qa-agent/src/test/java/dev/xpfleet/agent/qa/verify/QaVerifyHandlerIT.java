package dev.xpfleet.agent.qa.verify;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The booted QA agent takes {@code qa.verify} from its stream, as the orchestrator sends it: the
 * developer's patch from the artifact store, a clone of the repository at its base commit, the
 * report stored, the verdict reported.
 */
@SpringBootTest
@FleetServices
class QaVerifyHandlerIT {

    static final Path WORK = QaTestDirs.work("qa-handler-it");

    @Autowired
    IsolatedServices services;

    @Autowired
    ArtifactStore artifacts;

    @DynamicPropertySource
    static void qa(DynamicPropertyRegistry registry) {
        registry.add("fleet.qa.clone-url", () -> "file://" + WORK.resolve("forge") + "/{repository}");
        registry.add("fleet.qa.work-root", WORK::toString);
        registry.add("fleet.qa.tools-dir", () -> QaTestDirs.tools().toString());
    }

    private Envelope verify(UUID task, String repository, String patchKey, String base) {
        ObjectNode payload = EnvelopeCodec.mapper().createObjectNode();
        payload.put("repository", repository);
        ObjectNode dev = payload.putObject("previous");
        dev.put("patch", patchKey);
        dev.put("baseCommit", base);
        return Envelope.create(MessageTypes.QA_VERIFY, task, 1, payload);
    }

    @Test
    void aTestFirstPatchIsVerifiedReportedAndNotRunTwice() throws Exception {
        String name = "calc" + System.nanoTime();
        Path dir = WORK.resolve("forge/demo/" + name);
        TestRepository repo = TestRepository.at(WORK, dir, Projects.python());
        UUID task = UuidV7.next();
        String patchKey = ArtifactKeys.task(task, "dev", "iter_1.patch");
        artifacts.put(patchKey, repo.diff(Projects.pythonGoodChange()).getBytes(StandardCharsets.UTF_8), "text/x-diff");

        AgentResult result = new AgentProbe(services)
                .request(AgentRole.QA, verify(task, "demo/" + name, patchKey, repo.baseCommit), Duration.ofMinutes(2));

        assertThat(result.outcome()).isEqualTo(AgentResult.Outcome.COMPLETED);
        JsonNode out = result.output();
        assertThat(out.path("verdict").asString()).isEqualTo("PASSED");
        assertThat(out.path("failToPass").asInt()).isEqualTo(1);
        assertThat(out.path("changedLinesCoverage").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(out.path("tests").path("passed").asInt()).isEqualTo(2);
        String reportKey = ArtifactKeys.task(task, "qa", "iter_1.json");
        assertThat(out.path("report").asString()).isEqualTo(reportKey);
        JsonNode report =
                EnvelopeCodec.mapper().readTree(artifacts.get(reportKey).orElseThrow());
        assertThat(report.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(report.path("tdd").path("failToPass").get(0).asString())
                .isEqualTo("tests.test_calc#test_multiplies");

        // The step again (a redelivery, a relay retry): answered from the stored report. The
        // repository is gone, so running again could not have succeeded.
        org.springframework.util.FileSystemUtils.deleteRecursively(dir);
        AgentResult again = new AgentProbe(services)
                .request(AgentRole.QA, verify(task, "demo/" + name, patchKey, repo.baseCommit), Duration.ofMinutes(1));

        assertThat(again.outcome()).isEqualTo(AgentResult.Outcome.COMPLETED);
        assertThat(again.output().path("verdict").asString()).isEqualTo("PASSED");
    }

    @Test
    void badInputIsAClearFailureNotARetry() {
        UUID task = UuidV7.next();
        AgentProbe probe = new AgentProbe(services);

        AgentResult missing = probe.request(
                AgentRole.QA,
                verify(task, "demo/calc", ArtifactKeys.task(task, "dev", "none.patch"), "HEAD"),
                Duration.ofSeconds(30));
        AgentResult foreign = probe.request(
                AgentRole.QA,
                verify(task, "demo/calc", ArtifactKeys.task(UuidV7.next(), "dev", "x.patch"), "HEAD"),
                Duration.ofSeconds(30));
        AgentResult badName = probe.request(
                AgentRole.QA,
                verify(task, "../etc", ArtifactKeys.task(task, "dev", "x.patch"), "HEAD"),
                Duration.ofSeconds(30));

        assertThat(missing.outcome()).isEqualTo(AgentResult.Outcome.FAILED);
        assertThat(missing.reason()).contains("is missing from the artifact store");
        assertThat(foreign.reason()).contains("names no patch of this task");
        assertThat(badName.reason()).contains("repository must look like owner/name");
    }
}
