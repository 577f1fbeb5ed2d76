package dev.xpfleet.common.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile commands against the real sandbox (bubblewrap, setpriv, cgroup v1): each is contained and
 * reported with its reason, and the next run works. Provisioning installs bubblewrap; these tests
 * need root for the cgroups, as the agent does.
 */
class SandboxIT {

    static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(5), 128L * 1024 * 1024, 64);

    private final Sandbox sandbox = new Sandbox();

    @BeforeAll
    static void sandboxWorksHere() {
        assertThat(Sandbox.unavailableReason())
                .as("provisioning installs bubblewrap; the agent runs as root")
                .isNull();
    }

    @Test
    void aNormalCommandRunsAsNobodyInItsWorkspaceAndItsFilesStay() throws Exception {
        Path work = Files.createTempDirectory("ws");

        SandboxResult result = run(work, "id -u; echo built > out.txt; echo done");

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.COMPLETED);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("65534").contains("done");
        assertThat(Files.readString(work.resolve("out.txt"))).isEqualTo("built\n");
    }

    @Test
    void theNetworkIsNotThere() throws Exception {
        try (ServerSocket listening = new ServerSocket(0)) {
            SandboxResult result = run(
                    Files.createTempDirectory("ws"),
                    "exec 3<>/dev/tcp/127.0.0.1/" + listening.getLocalPort() + " && echo CONNECTED || echo REFUSED");

            assertThat(result.output()).contains("REFUSED").doesNotContain("CONNECTED");
        }
    }

    @Test
    void nothingOutsideTheWorkspaceCanBeWritten() throws Exception {
        Path outside = Files.createTempDirectory("outside");
        outside.toFile().setWritable(true, false);

        SandboxResult result = run(
                Files.createTempDirectory("ws"),
                "touch " + outside.resolve("pwned") + " 2>&1; touch /etc/pwned 2>&1; touch /tmp/ok && echo TMP_OK");

        assertThat(result.output()).contains("Read-only file system").contains("TMP_OK");
        assertThat(outside.resolve("pwned")).doesNotExist();
        assertThat(Path.of("/etc/pwned")).doesNotExist();
    }

    @Test
    void aForkBombIsStoppedAndNamed() throws Exception {
        SandboxResult result = run(Files.createTempDirectory("ws"), "bomb() { bomb | bomb & }; bomb; sleep 30");

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.TOO_MANY_PROCESSES);
        assertThat(result.reason()).contains("more processes than allowed");
        assertThat(result.millis()).isLessThan(25_000);
    }

    @Test
    void endlessAllocationIsKilledAndNamed() throws Exception {
        SandboxResult result = run(Files.createTempDirectory("ws"), "tail /dev/zero");

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.OUT_OF_MEMORY);
        assertThat(result.reason()).contains("more memory than allowed");
    }

    @Test
    void sleepingForeverHitsTheTimeLimitAndTheNextRunStillWorks() throws Exception {
        SandboxResult slept = run(Files.createTempDirectory("ws"), "sleep 600");
        SandboxResult next = run(Files.createTempDirectory("ws"), "echo still-serving");

        assertThat(slept.outcome()).isEqualTo(SandboxResult.Outcome.TIMEOUT);
        assertThat(slept.millis()).isBetween(4_000L, 15_000L);
        assertThat(next.outcome()).isEqualTo(SandboxResult.Outcome.COMPLETED);
        assertThat(next.output()).contains("still-serving");
    }

    @Test
    void leftoverProcessesAreKilledAndTheCgroupsRemoved() throws Exception {
        java.util.Set<Path> before = fleetGroups();

        run(Files.createTempDirectory("ws"), "(sleep 600 &) ; echo started");

        assertThat(fleetGroups()).as("no group of this run is left").isSubsetOf(before);
    }

    @Test
    void groupsLeftByAKilledAgentAreSweptWhenEmptyAndALiveAgentsAreNever() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Process alive = new ProcessBuilder("sleep", "30").start();
        String ofDead = "xpfleet-" + dead.pid() + "-" + java.util.UUID.randomUUID();
        String busyOfDead = "xpfleet-" + dead.pid() + "-" + java.util.UUID.randomUUID();
        String ofAlive = "xpfleet-" + alive.pid() + "-" + java.util.UUID.randomUUID();
        Path deadGroup = Files.createDirectory(Path.of("/sys/fs/cgroup/pids", ofDead));
        Path busyGroup = Files.createDirectory(Path.of("/sys/fs/cgroup/pids", busyOfDead));
        Path aliveGroup = Files.createDirectory(Path.of("/sys/fs/cgroup/pids", ofAlive));
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(busyGroup.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
            java.util.Set<String> mine = java.util.Set.of(ofDead, busyOfDead, ofAlive);

            int removed = Sandbox.sweep(Duration.ofHours(1), mine::contains);

            assertThat(removed).isEqualTo(1);
            assertThat(deadGroup).as("empty, owner gone").doesNotExist();
            assertThat(busyGroup).as("owner gone, but something runs in it").exists();
            assertThat(aliveGroup)
                    .as("its owner lives: perhaps about to join it")
                    .exists();
        } finally {
            sleeper.destroyForcibly().waitFor();
            alive.destroyForcibly().waitFor();
            Files.deleteIfExists(busyGroup);
            Files.deleteIfExists(aliveGroup);
        }
    }

    private static java.util.Set<Path> fleetGroups() throws Exception {
        try (var groups = Files.list(Path.of("/sys/fs/cgroup/pids"))) {
            return groups.filter(p -> p.getFileName().toString().startsWith("xpfleet-"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private SandboxResult run(Path workspace, String script) {
        return sandbox.run(workspace, List.of("bash", "-c", script), LIMITS);
    }

    @Test
    void aWorkspaceTheSandboxUserCannotReachIsRefusedSayingWhy() throws Exception {
        Path closed = Files.createTempDirectory("closed"); // mode 700, like mktemp -d
        Path work = Files.createDirectory(closed.resolve("ws"));

        SandboxResult result = run(work, "echo ran");

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.SANDBOX_UNAVAILABLE);
        assertThat(result.reason())
                .contains(closed + " (mode rwx------, owner root) does not let the sandbox user (nobody) through");
    }

    @Test
    void filesOutsideTheSystemDirectoriesAndTheWorkspaceAreNotEvenVisible() throws Exception {
        Path secrets = Files.createDirectories(Path.of("/var/tmp/xpfleet-sandbox-it"));
        Path env = Files.writeString(secrets.resolve("services.env"), "PASSWORD=hunter2\n");
        env.toFile().setReadable(true, false);

        SandboxResult result = run(Files.createTempDirectory("ws"), "cat " + env + " || echo HIDDEN");

        assertThat(result.output()).contains("HIDDEN").doesNotContain("hunter2");
    }

    @Test
    void gitMetadataCannotBeChangedFromInside() throws Exception {
        Path work = Files.createTempDirectory("ws");
        Files.createDirectories(work.resolve(".git"));
        Files.writeString(work.resolve(".git/config"), "[core]\n");

        SandboxResult result =
                run(work, "printf '[filter \"x\"]\\n smudge = touch /tmp/owned\\n' >> .git/config || echo REFUSED");

        assertThat(result.output()).contains("REFUSED");
        assertThat(Files.readString(work.resolve(".git/config"))).isEqualTo("[core]\n");
    }
}
