package dev.xpfleet.common.sandbox;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command in a workspace the way ../shared/STACK.md found to hold up on these machines: the
 * process joins fresh cgroup v1 memory and pids groups, then {@code timeout} -> {@code setpriv}
 * (user nobody, no capabilities) -> {@code bwrap} (new user, pid, ipc, uts and network namespaces:
 * only {@code lo} exists; the whole file system read-only except the workspace and a private
 * {@code /tmp}). Needs root to create the cgroups; the command itself never runs as root. Where
 * the environment names a sandbox image ({@link ContainerEngine}: an agent in a Swarm container),
 * each run is a throwaway container instead, with the same limits, user and file rules.
 */
public final class Sandbox {

    private static final Logger log = LoggerFactory.getLogger(Sandbox.class);
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
    private static final int OUTPUT_TAIL = 16_000;
    private static final int NOBODY = 65534;
    private static final String SETUP_FAILED = "xp-fleet sandbox: cannot join the cgroups";
    private static final List<String> SYSTEM_DIRS =
            List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc");
    /** Largest file a sandboxed command may write, output included: 1 GiB, in 512-byte blocks. */
    private static final long MAX_FILE_BLOCKS = 2L * 1024 * 1024;

    static final String UNCONFINED =
            "xp-fleet: NO SANDBOX - ran unconfined because the agent's allow-unsandboxed setting is true"
                    + " (network, all files)";

    /** Joins the cgroups, then execs the chain built by {@link #chain}; its words follow as "$@". */
    private static final String LAUNCH = """
            echo $$ > "$1/cgroup.procs" && echo $$ > "$2/cgroup.procs" || { echo "%s"; exit 125; }
            shift 2
            ulimit -f %d
            exec "$@"
            """.formatted(Sandbox.SETUP_FAILED, Sandbox.MAX_FILE_BLOCKS);

    private final boolean allowUnconfined;
    private final java.util.function.Supplier<String> availability;
    private final ContainerEngine engine;

    /** Refuses to run anything where no sandbox can be had. */
    public Sandbox() {
        this(false);
    }

    /**
     * @param allowUnconfined where no sandbox can be had, run commands anyway with only the time
     *     limit (an operator's explicit choice: each agent's {@code allow-unsandboxed} setting)
     */
    public Sandbox(boolean allowUnconfined) {
        this(allowUnconfined, ContainerEngine.fromEnvironment());
    }

    /**
     * @param engine where each run is a throwaway container, or null for bubblewrap on this host
     */
    public Sandbox(boolean allowUnconfined, ContainerEngine engine) {
        this(allowUnconfined, engine == null ? Sandbox::hostUnavailableReason : engine::unavailableReason, engine);
    }

    Sandbox(boolean allowUnconfined, java.util.function.Supplier<String> availability) {
        this(allowUnconfined, availability, null);
    }

    private Sandbox(boolean allowUnconfined, java.util.function.Supplier<String> availability, ContainerEngine engine) {
        this.allowUnconfined = allowUnconfined;
        this.availability = availability;
        this.engine = engine;
        if (engine != null) {
            if (CONTAINERS_SWEPT.compareAndSet(false, true)) {
                engine.sweep();
            }
        } else if (SWEPT.compareAndSet(false, true) && availability.get() == null) {
            sweep(STALE_AFTER, name -> true);
        }
    }

    /** What isolates a run here: for the agents' logs and health. */
    public static String kind() {
        ContainerEngine configured = ContainerEngine.fromEnvironment();
        return configured == null
                ? "bubblewrap with cgroup limits"
                : "a throwaway container of " + configured.image() + " per run";
    }

    /** The owner's pid in {@code xpfleet-<pid>-<uuid>}, or null for a name without one. */
    private static Long owner(String name) {
        String[] parts = name.split("-");
        if (parts.length > 2 && parts[1].chars().allMatch(Character::isDigit) && !parts[1].isEmpty()) {
            return Long.parseLong(parts[1]);
        }
        return null;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean SWEPT =
            new java.util.concurrent.atomic.AtomicBoolean();
    private static final java.util.concurrent.atomic.AtomicBoolean CONTAINERS_SWEPT =
            new java.util.concurrent.atomic.AtomicBoolean();
    private static final java.time.Duration STALE_AFTER = java.time.Duration.ofMinutes(1);

    /**
     * Removes the fleet's cgroups that an agent killed mid-run left behind: those with no process
     * left whose owner (the pid in the name) is gone; a group of an older name without a pid only
     * when it was created longer than {@code minAge} ago. A live agent's groups are never touched
     * (one just made, before its run joined it, is empty too). Groups with processes stay; their
     * {@code timeout} ends them. Runs once per process.
     *
     * @return how many groups were removed
     */
    static int sweep(java.time.Duration minAge, java.util.function.Predicate<String> names) {
        int removed = 0;
        long before = System.currentTimeMillis() - minAge.toMillis();
        for (String controller : List.of("memory", "pids")) {
            try (var groups = Files.list(CGROUPS.resolve(controller))) {
                for (Path group : groups.filter(g -> g.getFileName().toString().startsWith("xpfleet-"))
                        .filter(g -> names.test(g.getFileName().toString()))
                        .toList()) {
                    Long owner = owner(group.getFileName().toString());
                    boolean ownerGone = owner != null
                            && ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true);
                    boolean oldAndUnowned =
                            owner == null && Files.getLastModifiedTime(group).toMillis() <= before;
                    if ((ownerGone || oldAndUnowned)
                            && Files.readString(group.resolve("cgroup.procs")).isBlank()) {
                        Files.deleteIfExists(group);
                        removed++;
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.debug("Sweeping stale cgroups under {} stopped: {}", controller, e.getMessage());
            }
        }
        if (removed > 0) {
            log.info("Removed {} stale sandbox cgroups left by a killed agent", removed);
        }
        return removed;
    }

    /** Why the sandbox cannot run here (as the environment configures it), or null when it can. */
    public static String unavailableReason() {
        ContainerEngine configured = ContainerEngine.fromEnvironment();
        return configured == null ? hostUnavailableReason() : configured.unavailableReason();
    }

    private static String hostUnavailableReason() {
        for (String tool : List.of("bwrap", "setpriv", "timeout")) {
            if (!onPath(tool)) {
                return tool + " is not installed (Debian: apt-get install bubblewrap util-linux coreutils)";
            }
        }
        for (String controller : List.of("memory", "pids")) {
            if (!Files.isWritable(CGROUPS.resolve(controller))) {
                return "cgroup v1 " + controller + " controller not writable at " + CGROUPS.resolve(controller)
                        + " (the agent needs root to set limits)";
            }
        }
        return null;
    }

    public SandboxResult run(Path workspace, List<String> command, SandboxLimits limits) {
        return run(workspace, command, limits, SandboxAccess.OFFLINE);
    }

    /**
     * Runs {@code command} in {@code workspace} with {@code access}: offline, or (for a dependency
     * prefetch) with the network; extra directories made writable when asked.
     */
    public SandboxResult run(Path workspace, List<String> command, SandboxLimits limits, SandboxAccess access) {
        SandboxResult result = confined(workspace, command, limits, access);
        // fleet_sandbox_runs_seconds{outcome}: how many runs ended how, and how long they took, in
        // the service's registry (Spring Boot adds it to the global one).
        Timer.builder("fleet.sandbox.runs")
                .description("commands run in the sandbox, by how they ended")
                .tag("outcome", result.outcome().name())
                .register(Metrics.globalRegistry)
                .record(java.time.Duration.ofMillis(result.millis()));
        return result;
    }

    private SandboxResult confined(Path workspace, List<String> command, SandboxLimits limits, SandboxAccess access) {
        if (command.isEmpty()) {
            return new SandboxResult(SandboxResult.Outcome.COMPLETED, 127, "no command to run", 0);
        }
        String unavailable = availability.get();
        if (unavailable != null) {
            // Never unconfined where the sandbox should be a container: the agent there is root
            // beside the engine's socket.
            return allowUnconfined && engine == null
                    ? unconfined(workspace, command, limits)
                    : new SandboxResult(SandboxResult.Outcome.SANDBOX_UNAVAILABLE, -1, unavailable, 0);
        }
        if (engine != null) {
            return inContainer(workspace, command, limits, access);
        }
        for (Path dir : reachable(workspace, access)) {
            String problem = Reachability.problem(dir);
            if (problem != null) {
                return new SandboxResult(SandboxResult.Outcome.SANDBOX_UNAVAILABLE, -1, problem, 0);
            }
        }
        // The owner's pid in the name: a sweep removes only groups whose owner is gone.
        String id = "xpfleet-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID();
        Path memory = CGROUPS.resolve("memory").resolve(id);
        Path pids = CGROUPS.resolve("pids").resolve(id);
        try {
            Files.createDirectory(memory);
            Files.createDirectory(pids);
            Files.writeString(memory.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
            writeIfPresent(memory.resolve("memory.memsw.limit_in_bytes"), Long.toString(limits.memoryBytes()));
            Files.writeString(pids.resolve("pids.max"), Integer.toString(limits.processes()));
            giveToNobody(workspace);
            if (access.ownWritable()) {
                for (Path dir : access.writable()) {
                    giveToNobody(dir);
                }
            }
            List<String> argv =
                    new ArrayList<>(List.of("sh", "-c", LAUNCH, "sandbox", memory.toString(), pids.toString()));
            argv.addAll(chain(workspace, command, limits, access));
            Exec exec = execute(argv, workspace, limits, Map.of());
            return new SandboxResult(
                    outcome(exec.exit(), exec.millis(), limits, exec.output(), memory, pids),
                    exec.exit(),
                    exec.output(),
                    exec.millis(),
                    counter(memory.resolve("memory.max_usage_in_bytes"), null));
        } catch (IOException e) {
            return new SandboxResult(
                    SandboxResult.Outcome.SANDBOX_UNAVAILABLE, -1, "cannot set up the sandbox: " + e.getMessage(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SandboxResult(SandboxResult.Outcome.TIMEOUT, -1, "interrupted", 0);
        } finally {
            killAll(pids);
            killAll(memory);
            removeQuietly(memory);
            removeQuietly(pids);
        }
    }

    /**
     * One run in a throwaway container ({@link ContainerEngine}): the files are handed to nobody as
     * for bubblewrap; the engine enforces the limits and removes the container however it ends.
     */
    private SandboxResult inContainer(
            Path workspace, List<String> command, SandboxLimits limits, SandboxAccess access) {
        try {
            giveToNobody(workspace);
            if (access.ownWritable()) {
                for (Path dir : access.writable()) {
                    giveToNobody(dir);
                }
            }
            engine.sweep();
            return engine.execute(workspace, command, limits, access);
        } catch (IOException | RuntimeException e) {
            return new SandboxResult(
                    SandboxResult.Outcome.SANDBOX_UNAVAILABLE, -1, "cannot set up the sandbox: " + e.getMessage(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SandboxResult(SandboxResult.Outcome.TIMEOUT, -1, "interrupted", 0);
        }
    }

    /**
     * No sandbox: the command runs as this process's user, with the network and the whole file
     * system, under the time limit only. Said in the output, so every report shows it.
     */
    private static SandboxResult unconfined(Path workspace, List<String> command, SandboxLimits limits) {
        List<String> argv = new ArrayList<>(List.of(
                "timeout",
                "--kill-after=2",
                Long.toString(Math.max(1, limits.time().toSeconds()))));
        argv.addAll(command);
        try {
            Exec exec = execute(
                    argv,
                    workspace,
                    limits,
                    Map.of("HOME", workspace.toAbsolutePath().toString()));
            return new SandboxResult(
                    exec.exit() == 124 ? SandboxResult.Outcome.TIMEOUT : SandboxResult.Outcome.COMPLETED,
                    exec.exit(),
                    UNCONFINED + "\n" + exec.output(),
                    exec.millis());
        } catch (IOException e) {
            return new SandboxResult(
                    SandboxResult.Outcome.SANDBOX_UNAVAILABLE, -1, "cannot start the command: " + e.getMessage(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SandboxResult(SandboxResult.Outcome.TIMEOUT, -1, "interrupted", 0);
        }
    }

    /** What nobody must be able to reach: the directories above those given to it, and those it only reads. */
    private static List<Path> reachable(Path workspace, SandboxAccess access) {
        List<Path> dirs = new ArrayList<>(List.of(workspace.toAbsolutePath().getParent()));
        dirs.addAll(access.readable());
        access.writable().forEach(dir -> dirs.add(dir.toAbsolutePath().getParent()));
        return dirs;
    }

    private record Exec(int exit, String output, long millis) {}

    /** Runs argv with a clean environment, its output to a file whose tail is kept. */
    private static Exec execute(List<String> argv, Path workspace, SandboxLimits limits, Map<String, String> env)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path log = Files.createTempFile("sandbox", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .directory(workspace.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            builder.environment().put("LANG", "C.UTF-8");
            builder.environment().putAll(env);
            Process process = builder.start();
            // timeout(1) ends it; this is the backstop should the chain itself hang.
            if (!process.waitFor(limits.time().toMillis() + 15_000, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
            return new Exec(process.exitValue(), tail(log), (System.nanoTime() - start) / 1_000_000);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** timeout -> setpriv (nobody, no capabilities) -> bwrap (namespaces, read-only root) -> command. */
    private static List<String> chain(
            Path workspace, List<String> command, SandboxLimits limits, SandboxAccess access) {
        String ws = workspace.toAbsolutePath().toString();
        List<String> argv = new ArrayList<>(List.of(
                "timeout",
                "--kill-after=2",
                Long.toString(Math.max(1, limits.time().toSeconds())),
                "setpriv",
                "--reuid",
                Integer.toString(NOBODY),
                "--regid",
                Integer.toString(NOBODY),
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "bwrap",
                "--unshare-user-try",
                "--unshare-ipc",
                "--unshare-pid",
                "--unshare-uts"));
        if (!access.network()) {
            argv.add("--unshare-net");
        }
        argv.addAll(List.of("--die-with-parent", "--new-session"));
        // Only the system's programs, libraries and configuration: no other workspace, cache,
        // home directory or the fleet's own files are visible.
        for (String dir : SYSTEM_DIRS) {
            if (Files.exists(Path.of(dir))) {
                argv.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        argv.addAll(List.of("--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--bind", ws, ws));
        if (Files.isDirectory(workspace.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            // Git metadata stays out of reach: the agent runs git (as root) on this tree afterwards,
            // and a config or attributes file written here could make it run a filter command.
            String gitDir = workspace.resolve(".git").toAbsolutePath().toString();
            argv.addAll(List.of("--ro-bind", gitDir, gitDir));
        }
        for (Path dir : access.readable()) {
            String d = dir.toAbsolutePath().toString();
            argv.addAll(List.of("--ro-bind", d, d));
        }
        for (Path dir : access.writable()) {
            String d = dir.toAbsolutePath().toString();
            argv.addAll(List.of("--bind", d, d));
        }
        argv.addAll(List.of("--chdir", ws, "--setenv", "HOME", ws, "--"));
        argv.addAll(command);
        return argv;
    }

    private static SandboxResult.Outcome outcome(
            int exit, long millis, SandboxLimits limits, String output, Path memory, Path pids) throws IOException {
        if (exit == 125 && output.contains(SETUP_FAILED)) {
            return SandboxResult.Outcome.SANDBOX_UNAVAILABLE;
        }
        if (counter(pids.resolve("pids.events"), "max") > 0) {
            return SandboxResult.Outcome.TOO_MANY_PROCESSES;
        }
        if (counter(memory.resolve("memory.oom_control"), "oom_kill") > 0) {
            return SandboxResult.Outcome.OUT_OF_MEMORY;
        }
        if (exit == 124 || (exit == 137 && millis >= limits.time().toMillis())) {
            return SandboxResult.Outcome.TIMEOUT;
        }
        return SandboxResult.Outcome.COMPLETED;
    }

    /** A number from a cgroup file: the whole content, or the value after {@code key}. */
    private static long counter(Path file, String key) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file).strip();
        if (key != null) {
            for (String line : text.split("\n")) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 2 && parts[0].equals(key)) {
                    return Long.parseLong(parts[1]);
                }
            }
            return 0;
        }
        return text.isEmpty() ? 0 : Long.parseLong(text);
    }

    private static void killAll(Path cgroup) {
        Path procs = cgroup.resolve("cgroup.procs");
        for (int round = 0; round < 20 && Files.exists(procs); round++) {
            List<String> left;
            try {
                left = Files.readAllLines(procs).stream()
                        .filter(s -> !s.isBlank())
                        .toList();
            } catch (IOException e) {
                return;
            }
            if (left.isEmpty()) {
                return;
            }
            List<java.util.concurrent.CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
            for (String pid : left) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(p -> {
                    p.destroyForcibly();
                    exits.add(p.onExit());
                });
            }
            try {
                java.util.concurrent.CompletableFuture.allOf(
                                exits.toArray(java.util.concurrent.CompletableFuture[]::new))
                        .get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // look again: whatever is still listed gets another round
            }
        }
    }

    private static void removeQuietly(Path cgroup) {
        try {
            Files.deleteIfExists(cgroup);
        } catch (IOException e) {
            log.warn("Could not remove cgroup {}: {}", cgroup, e.getMessage());
        }
    }

    private static void writeIfPresent(Path file, String value) {
        if (Files.exists(file)) {
            try {
                Files.writeString(file, value);
            } catch (IOException e) {
                log.debug("{} not set: {}", file, e.getMessage());
            }
        }
    }

    /** The command runs as nobody: it must own its workspace, and only that. */
    private static void giveToNobody(Path workspace) throws IOException {
        Path gitDir = workspace.resolve(".git");
        try (var paths = Files.walk(workspace)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                // lchown: a link swapped in meanwhile is changed itself, never what it points at.
                if (!p.startsWith(gitDir) && !Files.isSymbolicLink(p)) {
                    Files.setAttribute(p, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(p, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    /** The last {@value #OUTPUT_TAIL} bytes of the output, however much was written. */
    static String tail(Path log) throws IOException {
        try (java.nio.channels.SeekableByteChannel in = Files.newByteChannel(log)) {
            long size = in.size();
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size, OUTPUT_TAIL));
            in.position(size - buffer.capacity());
            while (buffer.hasRemaining() && in.read(buffer) > 0) {
                // read the tail
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : List.of("/usr/local/bin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
