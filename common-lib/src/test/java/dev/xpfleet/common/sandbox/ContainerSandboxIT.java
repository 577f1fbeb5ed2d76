package dev.xpfleet.common.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.TestServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox as a throwaway container per run (what an agent in a Swarm container uses), against
 * a real Docker engine: the dockerd and the busybox image {@code deploy/local/fleet provision}
 * starts and imports for these tests. The same hostile commands as {@link SandboxIT}, and the
 * engine itself missing, without the image, and stalled mid-run.
 */
class ContainerSandboxIT {

    static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(5), 128L * 1024 * 1024, 64);

    private static String dockerHost;
    private static String dockerCli;
    private static String image;
    private static ContainerEngine engine;

    @BeforeAll
    static void theTestEngineAnswers() {
        dockerHost = TestServices.localSetting("FLEET_SANDBOX_TEST_DOCKER_HOST");
        image = TestServices.localSetting("FLEET_SANDBOX_TEST_IMAGE");
        dockerCli = TestServices.localSetting("FLEET_SANDBOX_TEST_DOCKER_CLI");
        // The test engine has no bridge (it must not touch the machine's network): runs that may
        // use the network get the host's.
        engine = ContainerEngine.from(Map.of(
                "FLEET_SANDBOX_IMAGE",
                image,
                "FLEET_SANDBOX_NETWORK",
                "host",
                "FLEET_SANDBOX_IMAGE_PATHS",
                "/opt/xpfleet-in-image",
                "FLEET_SANDBOX_DOCKER",
                dockerCli,
                "DOCKER_HOST",
                dockerHost));
        assertThat(engine.unavailableReason())
                .as("deploy/local/fleet provision starts a dockerd and imports the image")
                .isNull();
    }

    private final Sandbox sandbox = new Sandbox(false, engine);

    private SandboxResult run(Path workspace, String script) {
        return sandbox.run(workspace, List.of("sh", "-c", script), LIMITS);
    }

    @Test
    void aCommandRunsAsNobodyInItsWorkspaceWithoutNetworkOrTheAgentsEnvironment() throws Exception {
        Path work = Files.createTempDirectory("ws");

        SandboxResult result = run(work, "id -u; echo built > out.txt; ls /sys/class/net; env; echo done");

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.COMPLETED);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("65534").contains("done").contains("lo");
        assertThat(result.output().lines()).as("only the loopback interface").doesNotContain("eth0");
        assertThat(result.output())
                .doesNotContain("DOCKER_HOST")
                .doesNotContain("FLEET_")
                .as("nothing of the image's environment either")
                .doesNotContain("IMAGE_ONLY");
        assertThat(Files.readString(work.resolve("out.txt"))).isEqualTo("built\n");
        assertThat(containers()).as("the container is gone").isEmpty();
    }

    @Test
    void theRootAndGitMetadataAreReadOnlyAndOnlyGivenDirectoriesAreThere() throws Exception {
        // Everything here is open to nobody: only the mounts (read-only, or none) keep it out.
        Path work = Files.createTempDirectory("ws");
        Path git = Files.createDirectories(work.resolve(".git"));
        Files.writeString(git.resolve("config"), "[core]\n");
        open(git, git.resolve("config"));
        Path readable = Files.createTempDirectory("cache");
        Files.writeString(readable.resolve("dep.jar"), "the-dependency");
        open(readable, readable.resolve("dep.jar"));
        Path writable = Files.createTempDirectory("scratch");
        Path secret = Files.createTempDirectory("agent-secrets");
        Files.writeString(secret.resolve("token"), "s3cr3t");
        open(secret, secret.resolve("token"));

        SandboxResult result = sandbox.run(
                work,
                List.of(
                        "sh",
                        "-c",
                        "touch /scratch/planted 2>&1; echo '[filter \"x\"]' >> .git/config 2>&1;"
                                + " mv .git moved-git 2>&1; echo x > .git/hooks-planted 2>&1;"
                                + " cat " + readable + "/dep.jar; echo; echo x > " + readable + "/planted 2>&1;"
                                + " echo x >> " + readable + "/dep.jar 2>&1;"
                                + " echo fetched > " + writable + "/dep.pom;"
                                + " cat " + secret + "/token 2>/dev/null || echo SECRET-HIDDEN;"
                                + " ls /opt/xpfleet-in-image 2>/dev/null || echo IMAGE-PATH-NOT-MOUNTED"),
                LIMITS,
                new SandboxAccess(false, List.of(writable), List.of(readable, Path.of("/opt/xpfleet-in-image/tools"))));

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.COMPLETED);
        assertThat(result.output())
                .contains("touch: /scratch/planted: Read-only file system")
                .contains("the-dependency")
                .contains("SECRET-HIDDEN", "IMAGE-PATH-NOT-MOUNTED")
                .doesNotContain("s3cr3t");
        assertThat(Files.readString(git.resolve("config"))).isEqualTo("[core]\n");
        assertThat(git.resolve("hooks-planted")).doesNotExist();
        assertThat(work.resolve("moved-git")).doesNotExist();
        assertThat(readable.resolve("planted")).doesNotExist();
        assertThat(Files.readString(readable.resolve("dep.jar"))).isEqualTo("the-dependency");
        assertThat(Files.readString(writable.resolve("dep.pom"))).isEqualTo("fetched\n");
    }

    /** World-readable and writable: nothing but the sandbox's own rules stands in the way. */
    private static void open(Path dir, Path file) throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    @Test
    void aFirstWordWithAnEqualsSignIsACommandAsInBubblewrapAndNoCommandIsNoPass() throws Exception {
        Path work = Files.createTempDirectory("ws");

        SandboxResult assignment = sandbox.run(work, List.of("CI=1", "true"), LIMITS);
        SandboxResult nothing = sandbox.run(work, List.of(), LIMITS);

        assertThat(assignment.outcome()).isEqualTo(SandboxResult.Outcome.COMPLETED);
        assertThat(assignment.exitCode()).isEqualTo(127);
        assertThat(nothing.exitCode()).isNotZero();
    }

    @Test
    void aRunAllowedTheNetworkHasIt() throws Exception {
        SandboxResult result = sandbox.run(
                Files.createTempDirectory("ws"),
                List.of("sh", "-c", "ls /sys/class/net | wc -l"),
                LIMITS,
                new SandboxAccess(true, List.of(), List.of()));

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.COMPLETED);
        assertThat(Integer.parseInt(result.output().strip()))
                .as("the network named for such runs")
                .isGreaterThan(1);
    }

    @Test
    void endlessAllocationIsKilledAndNamed() throws Exception {
        SandboxResult result = run(Files.createTempDirectory("ws"), "dd if=/dev/zero of=/dev/null bs=400M count=1");

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.OUT_OF_MEMORY);
        assertThat(result.reason()).contains("more memory than allowed");
    }

    @Test
    void processesBeyondTheLimitCannotStartAndTheRunStillEnds() throws Exception {
        Path work = Files.createTempDirectory("ws");

        SandboxResult result = run(work, "i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done 2>fork.err");

        // The engine does not say why a container's process failed to fork: the command's own
        // error says it, and the run is a failed one (the shell gives up), long before its limit.
        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.COMPLETED);
        assertThat(result.exitCode()).isNotZero();
        assertThat(Files.readString(work.resolve("fork.err"))).contains("can't fork");
        assertThat(result.millis()).isLessThan(LIMITS.time().toMillis());
        assertThat(containers()).isEmpty();
    }

    @Test
    void sleepingForeverHitsTheTimeLimitTheContainerIsRemovedAndTheNextRunWorks() throws Exception {
        SandboxResult slept = run(Files.createTempDirectory("ws"), "echo started; sleep 600");
        SandboxResult next = run(Files.createTempDirectory("ws"), "echo still-serving");

        assertThat(slept.outcome()).isEqualTo(SandboxResult.Outcome.TIMEOUT);
        assertThat(slept.output()).contains("started");
        assertThat(slept.millis()).isLessThan(LIMITS.time().toMillis() + 10_000);
        assertThat(containers()).isEmpty();
        assertThat(next.output()).contains("still-serving");
    }

    @Test
    void containersLeftByAKilledAgentAreRemovedOncePastTheirDeadlineAndOthersNever() throws Exception {
        String overdue = detached(Instant.now().minusSeconds(60));
        String running = detached(Instant.now().plusSeconds(600));
        try {
            int removed = engine.sweep();

            assertThat(removed).isEqualTo(1);
            assertThat(containers()).contains(running).doesNotContain(overdue);
        } finally {
            docker("rm", "--force", overdue, running);
        }
    }

    @Test
    void noEngineOrNoImageIsSaidAndNothingRuns() throws Exception {
        ContainerEngine gone = ContainerEngine.from(Map.of(
                "FLEET_SANDBOX_IMAGE",
                image,
                "FLEET_SANDBOX_DOCKER",
                dockerCli,
                "DOCKER_HOST",
                "unix:///nonexistent/docker.sock"));
        // Not on the engine, and no registry to pull it from.
        ContainerEngine noImage = ContainerEngine.from(Map.of(
                "FLEET_SANDBOX_IMAGE",
                "xpfleet/not-there:1",
                "FLEET_SANDBOX_DOCKER",
                dockerCli,
                "DOCKER_HOST",
                dockerHost));
        Path work = Files.createTempDirectory("ws");

        // allow-unsandboxed never runs code unconfined where the sandbox should be a container.
        SandboxResult withoutEngine =
                new Sandbox(true, gone).run(work, List.of("sh", "-c", "echo ran > ran.txt"), LIMITS);
        SandboxResult withoutImage =
                new Sandbox(false, noImage).run(work, List.of("sh", "-c", "echo ran > ran.txt"), LIMITS);

        assertThat(withoutEngine.outcome()).isEqualTo(SandboxResult.Outcome.SANDBOX_UNAVAILABLE);
        assertThat(withoutEngine.output()).contains("unix:///nonexistent/docker.sock");
        assertThat(withoutImage.outcome()).isEqualTo(SandboxResult.Outcome.SANDBOX_UNAVAILABLE);
        assertThat(withoutImage.output()).contains("xpfleet/not-there:1");
        assertThat(work.resolve("ran.txt")).doesNotExist();
    }

    @Test
    void anEngineThatStallsMidRunEndsTheRunAtItsLimitAndTheNextRunWorksOnceItIsBack() throws Exception {
        long dockerd = Long.parseLong(
                Files.readString(Path.of(TestServices.localSetting("FLEET_SANDBOX_TEST_DOCKERD_PIDFILE")))
                        .strip());
        Path work = Files.createTempDirectory("ws");
        java.util.concurrent.CompletableFuture<SandboxResult> stalled =
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> run(work, "echo started > started.txt; sleep 600"));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(work.resolve("started.txt")));
        signal("STOP", dockerd);
        try {
            SandboxResult result = stalled.get(90, TimeUnit.SECONDS);

            assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.TIMEOUT);
        } finally {
            signal("CONT", dockerd);
        }
        SandboxResult next = run(Files.createTempDirectory("ws"), "echo back");
        assertThat(next.output()).contains("back");
        // The container the stalled engine could not remove is left with its deadline, which the
        // sweep (containersLeftByAKilledAgent...) goes by: the run's limit and the grace, no more.
        List<String> left = containers();
        try {
            assertThat(left).hasSize(1);
            long deadline = Long.parseLong(docker(
                            "inspect",
                            "--format",
                            "{{index .Config.Labels \"" + ContainerEngine.DEADLINE_LABEL + "\"}}",
                            left.get(0))
                    .strip());
            assertThat(deadline)
                    .isLessThanOrEqualTo(
                            Instant.now().plus(ContainerEngine.SWEEP_GRACE).getEpochSecond());
        } finally {
            for (String container : left) {
                docker("rm", "--force", container);
            }
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                        .start()
                        .waitFor())
                .isZero();
    }

    private static String detached(Instant deadline) throws Exception {
        String name = "xpfleet-sandbox-test-" + java.util.UUID.randomUUID();
        docker(
                "run",
                "--detach",
                "--name",
                name,
                "--label",
                ContainerEngine.LABEL + "=1",
                "--label",
                ContainerEngine.DEADLINE_LABEL + "=" + deadline.getEpochSecond(),
                "--network",
                "none",
                image,
                "sleep",
                "600");
        return name;
    }

    /** The names of the sandbox containers on the test engine. */
    private static List<String> containers() throws Exception {
        return docker("ps", "--all", "--filter", "label=" + ContainerEngine.LABEL, "--format", "{{.Names}}")
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(dockerCli));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("DOCKER_HOST", dockerHost);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
