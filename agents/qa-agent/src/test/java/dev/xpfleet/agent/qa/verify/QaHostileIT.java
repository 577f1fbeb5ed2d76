package dev.xpfleet.agent.qa.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.agent.qa.QaTestDirs;
import dev.xpfleet.agent.qa.findings.Analysers;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.workspace.Workspace;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile changes, each a pytest test next to a harmless production change, judged by the whole QA
 * run with tight limits: every one is contained and reported with its reason, and the verifier goes
 * on to judge the next change normally.
 */
class QaHostileIT {

    static final Path WORK = QaTestDirs.work("qa-hostile-it");
    static QaVerifier verifier;

    @BeforeAll
    static void verifier() throws Exception {
        assertThat(Sandbox.unavailableReason())
                .as("provisioning installs bubblewrap")
                .isNull();
        Sandbox sandbox = new Sandbox();
        SandboxLimits tight = new SandboxLimits(Duration.ofSeconds(10), 256L * 1024 * 1024, 64);
        verifier = new QaVerifier(
                sandbox,
                new Analysers(sandbox, QaTestDirs.tools(), WORK.resolve("config"), tight),
                new QaLimits(tight, tight));
    }

    static QaReport verify(Map<String, String> change) throws Exception {
        TestRepository repo = TestRepository.of(WORK.resolve("repos"), Projects.python());
        String diff = repo.diff(change);
        try (Workspace ws = repo.checkout()) {
            return ReportSchema.checked(
                    verifier.verify(ws, "demo/hostile", diff, Workspace.hashOf(diff), WORK.resolve("cache")));
        }
    }

    @AfterEach
    void theNextChangeIsJudgedNormally() throws Exception {
        QaReport next = verify(Projects.pythonGoodChange());

        assertThat(next.reasons()).isEmpty();
        assertThat(next.verdict()).isEqualTo("PASSED");
    }

    @Test
    void aTestThatConnectsOutFailsNamingTheTest() throws Exception {
        try (ServerSocket listening = new ServerSocket(0)) {
            QaReport report = verify(Projects.pythonHostile(
                    "socket.create_connection(('127.0.0.1', " + listening.getLocalPort() + "), timeout=2)"));

            assertThat(report.verdict()).isEqualTo("FAILED");
            assertThat(report.reasons())
                    .anySatisfy(r -> assertThat(r).startsWith("failing test: tests.test_hostile#test_hostile"));
        }
    }

    @Test
    void aTestThatWritesOutsideTheWorkspaceFailsAndWritesNothing() throws Exception {
        Path outside = Files.createDirectories(WORK.resolve("outside"));
        outside.toFile().setWritable(true, false);
        Path target = outside.resolve("pwned");

        QaReport report = verify(Projects.pythonHostile("open('" + target + "', 'w').write('x')"));

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .anySatisfy(r -> assertThat(r)
                        .startsWith("failing test: tests.test_hostile#test_hostile")
                        .containsAnyOf("Read-only file system", "No such file or directory"));
        assertThat(target).doesNotExist();
    }

    @Test
    void aForkBombIsStoppedAndReported() throws Exception {
        QaReport report = verify(Projects.pythonHostile("while True:\n    os.fork()"));

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons()).contains("the test run stopped: it started more processes than allowed");
    }

    @Test
    void endlessAllocationIsStoppedAndReported() throws Exception {
        QaReport report = verify(Projects.pythonHostile("hog = []\nwhile True:\n    hog.append(bytearray(10**7))"));

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons()).contains("the test run killed: it used more memory than allowed");
    }

    @Test
    void aTestThatSleepsForeverIsStoppedAtTheTimeLimit() throws Exception {
        QaReport report = verify(Projects.pythonHostile("time.sleep(3600)"));

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .anySatisfy(r -> assertThat(r).startsWith("the test run stopped after the time limit"));
        assertThat(report.runs().get("changed").millis()).isLessThan(20_000);
    }
}
