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
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The hostile cases of {@link QaHostileIT} on the two other builds: a JUnit test in a Maven
 * project and a node test in an npm one. Each is contained and reported, and the verifier judges
 * the build's next honest change normally. The Maven limits are looser than pytest's (a JVM for
 * Maven and one for Surefire's fork), the cases the same.
 */
class QaHostileBuildsIT {

    static final Path WORK = QaTestDirs.work("qa-hostile-builds-it");
    static Sandbox sandbox;

    @BeforeAll
    static void sandbox() {
        assertThat(Sandbox.unavailableReason())
                .as("provisioning installs bubblewrap")
                .isNull();
        sandbox = new Sandbox();
    }

    /** One build's project, its honest change, its hostile test and the limits it runs under. */
    abstract static class Build {
        private final QaVerifier verifier;
        private final Map<String, String> base;
        private final Map<String, String> honest;
        private final Function<String, Map<String, String>> hostile;
        private final Path cache;

        Build(
                SandboxLimits limits,
                Map<String, String> base,
                Map<String, String> honest,
                Function<String, Map<String, String>> hostile,
                Path cache)
                throws java.io.IOException {
            SandboxLimits prefetch = new SandboxLimits(Duration.ofMinutes(10), 1536L * 1024 * 1024, 512);
            this.verifier = new QaVerifier(
                    sandbox,
                    new Analysers(sandbox, QaTestDirs.tools(), WORK.resolve("config"), limits),
                    new QaLimits(prefetch, limits));
            this.base = base;
            this.honest = honest;
            this.hostile = hostile;
            this.cache = cache;
        }

        QaReport verify(Map<String, String> change) throws Exception {
            TestRepository repo = TestRepository.of(WORK.resolve("repos"), base);
            String diff = repo.diff(change);
            try (Workspace ws = repo.checkout()) {
                return ReportSchema.checked(verifier.verify(ws, "demo/hostile", diff, Workspace.hashOf(diff), cache));
            }
        }

        QaReport hostile(String body) throws Exception {
            return verify(hostile.apply(body));
        }

        @AfterEach
        void theNextChangeIsJudgedNormally() throws Exception {
            QaReport next = verify(honest);

            assertThat(next.reasons()).isEmpty();
            assertThat(next.verdict()).isEqualTo("PASSED");
        }

        static Path outside() throws Exception {
            Path outside = Files.createDirectories(WORK.resolve("outside"));
            outside.toFile().setWritable(true, false);
            return outside.resolve("pwned");
        }
    }

    @Nested
    class Maven extends Build {

        Maven() throws java.io.IOException {
            super(
                    new SandboxLimits(Duration.ofSeconds(60), 1536L * 1024 * 1024, 256),
                    Projects.maven(),
                    Projects.mavenGoodChange(),
                    Projects::mavenHostile,
                    // The Maven dependencies QaVerifierIT fetches, not fetched twice.
                    QaTestDirs.work("qa-it").resolve("cache/maven"));
        }

        @Test
        void aTestThatConnectsOutFailsNamingTheTest() throws Exception {
            try (ServerSocket listening = new ServerSocket(0)) {
                QaReport report =
                        hostile("new java.net.Socket(\"127.0.0.1\", " + listening.getLocalPort() + ").close();");

                assertThat(report.verdict()).isEqualTo("FAILED");
                assertThat(report.reasons())
                        .anySatisfy(r -> assertThat(r).startsWith("failing test: demo.HostileTest#hostile"));
            }
        }

        @Test
        void aTestThatWritesOutsideTheWorkspaceFailsAndWritesNothing() throws Exception {
            Path target = outside();

            QaReport report =
                    hostile("java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + target + "\"), \"x\");");

            assertThat(report.verdict()).isEqualTo("FAILED");
            assertThat(report.reasons())
                    .anySatisfy(r -> assertThat(r).startsWith("failing test: demo.HostileTest#hostile"));
            assertThat(target).doesNotExist();
        }

        @Test
        void aForkBombIsStoppedAndReported() throws Exception {
            QaReport report = hostile(
                    "for (int i = 0; i < 100_000; i++) {\n    new ProcessBuilder(\"sleep\", \"600\").start();\n}");

            assertThat(report.verdict()).isEqualTo("FAILED");
            assertThat(report.reasons()).contains("the test run stopped: it started more processes than allowed");
        }

        @Test
        void endlessAllocationIsStoppedAndReported() throws Exception {
            QaReport report = hostile("java.util.List<long[]> hog = new java.util.ArrayList<>();\n"
                    + "for (int i = 0; i < 100_000; i++) {\n    hog.add(new long[1_000_000]);\n}");

            assertThat(report.verdict()).isEqualTo("FAILED");
            // The JVM sizes its heap from the sandbox's memory limit: its own OutOfMemoryError
            // usually comes first, else the kernel's OOM killer.
            assertThat(report.reasons())
                    .anySatisfy(r -> assertThat(r)
                            .satisfiesAnyOf(
                                    s -> assertThat(s)
                                            .startsWith("failing test: demo.HostileTest#hostile")
                                            .contains("OutOfMemoryError"),
                                    s -> assertThat(s)
                                            .isEqualTo("the test run killed: it used more memory than allowed")));
        }

        @Test
        void aTestThatSleepsForeverIsStoppedAtTheTimeLimit() throws Exception {
            QaReport report = hostile("Thread.sleep(3_600_000);");

            assertThat(report.verdict()).isEqualTo("FAILED");
            assertThat(report.reasons())
                    .anySatisfy(r -> assertThat(r).startsWith("the test run stopped after the time limit"));
            assertThat(report.runs().get("changed").millis()).isLessThan(90_000);
        }
    }

    @Nested
    class Node extends Build {

        Node() throws java.io.IOException {
            super(
                    new SandboxLimits(Duration.ofSeconds(15), 512L * 1024 * 1024, 64),
                    Projects.node(),
                    Projects.nodeGoodChange(),
                    Projects::nodeHostile,
                    WORK.resolve("cache/node"));
        }

        @Test
        void aTestThatConnectsOutFailsNamingTheTest() throws Exception {
            try (ServerSocket listening = new ServerSocket(0)) {
                QaReport report = hostile("await new Promise((ok, ko) => require('net')\n" + "  .connect("
                        + listening.getLocalPort() + ", '127.0.0.1', ok).on('error', ko));");

                assertThat(report.verdict()).isEqualTo("FAILED");
                assertThat(report.reasons()).anySatisfy(r -> assertThat(r).startsWith("failing test: test#hostile"));
            }
        }

        @Test
        void aTestThatWritesOutsideTheWorkspaceFailsAndWritesNothing() throws Exception {
            Path target = outside();

            QaReport report = hostile("require('fs').writeFileSync('" + target + "', 'x');");

            assertThat(report.verdict()).isEqualTo("FAILED");
            assertThat(report.reasons()).anySatisfy(r -> assertThat(r).startsWith("failing test: test#hostile"));
            assertThat(target).doesNotExist();
        }

        @Test
        void aForkBombIsStoppedAndReported() throws Exception {
            QaReport report = hostile(
                    "while (true) {\n  require('child_process').spawn('sleep', ['600']).on('error', () => {});\n}");

            assertThat(report.verdict()).isEqualTo("FAILED");
            assertThat(report.reasons()).contains("the test run stopped: it started more processes than allowed");
        }

        @Test
        void endlessAllocationIsStoppedAndReported() throws Exception {
            QaReport report = hostile("const hog = [];\nwhile (true) {\n  hog.push(Buffer.alloc(1e7, 1));\n}");

            assertThat(report.verdict()).isEqualTo("FAILED");
            assertThat(report.reasons()).contains("the test run killed: it used more memory than allowed");
        }

        @Test
        void aTestThatSleepsForeverIsStoppedAtTheTimeLimit() throws Exception {
            QaReport report = hostile("await new Promise((resolve) => setTimeout(resolve, 3_600_000));");

            assertThat(report.verdict()).isEqualTo("FAILED");
            assertThat(report.reasons())
                    .anySatisfy(r -> assertThat(r).startsWith("the test run stopped after the time limit"));
            assertThat(report.runs().get("changed").millis()).isLessThan(30_000);
        }
    }
}
