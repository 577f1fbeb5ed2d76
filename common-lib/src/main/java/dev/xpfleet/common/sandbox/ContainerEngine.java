package dev.xpfleet.common.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox as a throwaway container per run, for a host where the agent itself runs in a
 * container (Docker Swarm) and can make neither namespaces nor cgroups: the agent asks the node's
 * Docker engine, through the {@code docker} CLI, for a container of {@code image} with no network
 * (or {@code network} for a dependency prefetch), the memory and process limits, a read-only root,
 * no capabilities, as nobody, and only the workspace and the directories the run was given mounted
 * at their own paths. The agent's directories must therefore be bind mounts of the same path on
 * the node. Directories under {@code imagePaths} are part of the image (the analysers' jars) and
 * are not mounted. The image is pulled when the node does not have it.
 *
 * <p>Configured from the environment, the same for every agent: {@code FLEET_SANDBOX_IMAGE} (set:
 * this engine is used; {@value #SELF}: the image of the container the agent runs in, as the stack
 * sets it, since Swarm keeps a service's image by digest, not by tag), {@code FLEET_SANDBOX_NETWORK}
 * (default {@code bridge}), {@code FLEET_SANDBOX_IMAGE_PATHS} (default {@code /opt/xpfleet},
 * colon-separated), {@code FLEET_SANDBOX_DOCKER} (the CLI, default {@code docker} on the PATH) and
 * Docker's own {@code DOCKER_HOST}.
 */
public record ContainerEngine(String image, String network, List<Path> imagePaths, String dockerHost, String docker) {

    private static final Logger log = LoggerFactory.getLogger(ContainerEngine.class);
    static final String LABEL = "dev.xpfleet.sandbox";
    static final String DEADLINE_LABEL = "dev.xpfleet.sandbox.deadline";
    /** Largest file a sandboxed command may write: 1 GiB. */
    private static final long MAX_FILE_BYTES = 1L << 30;
    /**
     * How long past its time limit a container is left to the agent that runs it before any sweep
     * may remove it (that agent removes it itself at the limit).
     */
    static final java.time.Duration SWEEP_GRACE = java.time.Duration.ofMinutes(1);
    /** {@code FLEET_SANDBOX_IMAGE} naming the image of the agent's own container. */
    public static final String SELF = "self";

    private static final java.util.regex.Pattern CONTAINER_ID =
            java.util.regex.Pattern.compile("/containers/([0-9a-f]{64})/");
    private static final java.util.concurrent.atomic.AtomicReference<String> OWN_IMAGE =
            new java.util.concurrent.atomic.AtomicReference<>();
    private static final java.util.concurrent.atomic.AtomicReference<Path> CLI_CONFIG =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** The commands' PATH: the system's, and Temurin's JDK where the fleet's images have it. */
    private static final String PATH =
            "/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ContainerEngine {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("a container sandbox needs an image");
        }
        if (network == null || network.isBlank() || network.equals("none")) {
            throw new IllegalArgumentException(
                    "the network for runs that need one must name a Docker network, not '" + network + "'");
        }
        imagePaths = List.copyOf(imagePaths);
        if (docker == null || docker.isBlank()) {
            docker = "docker";
        }
    }

    /** The engine the environment configures, or null: the sandbox is bubblewrap on this host. */
    public static ContainerEngine fromEnvironment() {
        return from(System.getenv());
    }

    static ContainerEngine from(Map<String, String> env) {
        String image = env.get("FLEET_SANDBOX_IMAGE");
        if (image == null || image.isBlank()) {
            return null;
        }
        List<Path> paths = Arrays.stream(env.getOrDefault("FLEET_SANDBOX_IMAGE_PATHS", "/opt/xpfleet")
                        .split(":"))
                .filter(p -> !p.isBlank())
                .map(Path::of)
                .toList();
        return new ContainerEngine(
                image.strip(),
                env.getOrDefault("FLEET_SANDBOX_NETWORK", "bridge").strip(),
                paths,
                env.get("DOCKER_HOST"),
                env.get("FLEET_SANDBOX_DOCKER"));
    }

    /**
     * Why no container can be had, or null: the engine answers and can enforce the memory and
     * process limits (an engine that cannot only warns, and would run the command without them).
     */
    String unavailableReason() {
        if (image.equals(SELF)) {
            try {
                runImage();
            } catch (IOException e) {
                return e.getMessage();
            }
        }
        Cli answer = cli(List.of("info", "--format", "{{json .MemoryLimit}} {{json .PidsLimit}}"), 20);
        String said = answer.output().strip();
        String engine = "the container engine" + (dockerHost == null ? "" : " at " + dockerHost);
        if (answer.exit() != 0) {
            return engine + " does not answer: "
                    + (said.isEmpty() ? "no output" : said.lines().findFirst().orElse(said));
        }
        if (!said.endsWith("true true")) {
            return engine + " cannot enforce memory and process limits (MemoryLimit PidsLimit: " + said + ")";
        }
        return null;
    }

    /** The environment the {@code docker} CLI runs with: nothing of the agent's but the engine's address. */
    Map<String, String> cliEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", System.getProperty("java.io.tmpdir"));
        // A configuration directory of this process's own: one under a shared /tmp could name
        // another engine or a CLI plugin for the agent (root) to run.
        env.put("DOCKER_CONFIG", cliConfig().toString());
        if (dockerHost != null && !dockerHost.isBlank()) {
            env.put("DOCKER_HOST", dockerHost);
        }
        return env;
    }

    private static Path cliConfig() {
        return CLI_CONFIG.updateAndGet(dir -> {
            if (dir != null) {
                return dir;
            }
            try {
                return Files.createTempDirectory(
                        "xpfleet-docker-config",
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("no private directory for the docker CLI", e);
            }
        });
    }

    /**
     * The image the runs use: the configured one, or for {@value #SELF} the image id of the
     * container this process runs in (its id read from the mounts the engine made for it).
     */
    String runImage() throws IOException {
        if (!image.equals(SELF)) {
            return image;
        }
        String known = OWN_IMAGE.get();
        if (known != null) {
            return known;
        }
        java.util.regex.Matcher id = CONTAINER_ID.matcher(Files.readString(Path.of("/proc/self/mountinfo")));
        if (!id.find()) {
            throw new IOException("FLEET_SANDBOX_IMAGE=self, but this process is not in a Docker container");
        }
        Cli answer = cli(List.of("container", "inspect", "--format", "{{.Image}}", id.group(1)), 20);
        if (answer.exit() != 0 || !answer.output().strip().startsWith("sha256:")) {
            throw new IOException("FLEET_SANDBOX_IMAGE=self, but the engine does not say this container's image: "
                    + answer.output().strip());
        }
        OWN_IMAGE.set(answer.output().strip());
        return OWN_IMAGE.get();
    }

    /** {@code docker run} for one command: attached, so its output is the run's output. */
    List<String> run(String name, Path workspace, List<String> command, SandboxLimits limits, SandboxAccess access)
            throws IOException {
        String ws = workspace.toAbsolutePath().toString();
        long deadline = Instant.now().plus(limits.time()).plus(SWEEP_GRACE).getEpochSecond();
        List<String> argv = new ArrayList<>(List.of(
                docker,
                "run",
                "--name",
                name,
                "--label",
                LABEL + "=1",
                "--label",
                DEADLINE_LABEL + "=" + deadline,
                "--pull",
                "missing",
                "--network",
                access.network() ? network : "none",
                "--user",
                "65534:65534",
                "--cap-drop",
                "ALL",
                "--security-opt",
                "no-new-privileges",
                "--read-only",
                "--tmpfs",
                "/tmp:rw,exec,nosuid,nodev",
                "--memory",
                Long.toString(limits.memoryBytes()),
                "--memory-swap",
                Long.toString(limits.memoryBytes()),
                "--pids-limit",
                Integer.toString(limits.processes()),
                "--ulimit",
                "fsize=" + MAX_FILE_BYTES,
                "--log-driver",
                "none",
                // The image may be an agent's, whose health check has nothing to ask here.
                "--no-healthcheck",
                "--workdir",
                ws));
        mount(argv, ws, false);
        if (Files.isDirectory(workspace.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            // As in bubblewrap: the agent runs git on this tree afterwards, so its metadata stays
            // out of the command's reach.
            mount(argv, workspace.resolve(".git").toAbsolutePath().toString(), true);
        }
        for (Path dir : access.readable()) {
            if (!inImage(dir)) {
                mount(argv, dir.toAbsolutePath().toString(), true);
            }
        }
        for (Path dir : access.writable()) {
            mount(argv, dir.toAbsolutePath().toString(), false);
        }
        // The command replaces whatever entrypoint the image has, and starts with an environment of
        // its own as in bubblewrap: nothing of the image's (an agent's JVM options, its settings).
        // sh execs it as given: a first word with '=' is a command, as in bubblewrap, never an
        // assignment for env.
        argv.addAll(List.of(
                "--entrypoint",
                "env",
                runImage(),
                "-i",
                "PATH=" + PATH,
                "LANG=C.UTF-8",
                "HOME=" + ws,
                "/bin/sh",
                "-c",
                "exec \"$@\"",
                "sandbox"));
        argv.addAll(command);
        return argv;
    }

    private boolean inImage(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        return imagePaths.stream().anyMatch(absolute::startsWith);
    }

    private static void mount(List<String> argv, String path, boolean readOnly) {
        if (path.contains(",")) {
            throw new IllegalArgumentException("a path with a comma cannot be mounted: " + path);
        }
        argv.addAll(List.of("--mount", "type=bind,source=" + path + ",target=" + path + (readOnly ? ",readonly" : "")));
    }

    /**
     * How a finished run's container ended.
     *
     * @param exists whether there was a container to ask about at all
     * @param oomKilled whether the kernel killed it for memory
     * @param error what the engine said when it could not start it, else empty
     */
    record Ended(boolean exists, boolean oomKilled, String error) {}

    Ended ended(String name) {
        Cli answer =
                cli(List.of("container", "inspect", "--format", "{{.State.OOMKilled}}|{{.State.Error}}", name), 20);
        if (answer.exit() != 0) {
            return new Ended(false, false, "");
        }
        String[] parts = answer.output().strip().split("\\|", 2);
        return new Ended(true, Boolean.parseBoolean(parts[0]), parts.length > 1 ? parts[1].strip() : "");
    }

    /**
     * Runs one command in a new container and removes it: the time limit is the agent's (the
     * container is removed at it), the memory and process limits the engine's.
     */
    SandboxResult execute(Path workspace, List<String> command, SandboxLimits limits, SandboxAccess access)
            throws IOException, InterruptedException {
        String name = "xpfleet-sandbox-" + java.util.UUID.randomUUID();
        long start = System.nanoTime();
        Path log = Files.createTempFile("sandbox", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(run(name, workspace, command, limits, access))
                    .directory(workspace.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().putAll(cliEnvironment());
            Process process = builder.start();
            boolean timedOut = !process.waitFor(limits.time().toMillis(), TimeUnit.MILLISECONDS);
            if (timedOut) {
                remove(name);
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            String output = Sandbox.tail(log);
            if (timedOut) {
                return new SandboxResult(SandboxResult.Outcome.TIMEOUT, 124, output, millis);
            }
            int exit = process.exitValue();
            Ended ended = ended(name);
            if ((!ended.exists() && exit == 125) || !ended.error().isEmpty()) {
                // docker run failed before the command ran: no engine, no image, a mount refused.
                String why = ended.error().isEmpty() ? output : ended.error() + "\n" + output;
                return new SandboxResult(SandboxResult.Outcome.SANDBOX_UNAVAILABLE, exit, why, millis);
            }
            return new SandboxResult(
                    ended.oomKilled() ? SandboxResult.Outcome.OUT_OF_MEMORY : SandboxResult.Outcome.COMPLETED,
                    exit,
                    output,
                    millis);
        } finally {
            remove(name);
            Files.deleteIfExists(log);
        }
    }

    /** Stops and removes the container, whatever it is doing. */
    void remove(String name) {
        Cli answer = cli(List.of("rm", "--force", name), 10);
        if (answer.exit() != 0 && !answer.output().contains("No such container")) {
            log.warn(
                    "Sandbox container {} not removed: {}",
                    name,
                    answer.output().strip());
        }
    }

    /**
     * Removes the sandbox containers past their deadline, running or not: an agent killed mid-run
     * leaves its container behind, and every run has a time limit, so one past it is always
     * garbage, whichever agent started it.
     *
     * @return how many were removed
     */
    int sweep() {
        Cli listed = cli(
                List.of(
                        "ps",
                        "--all",
                        "--filter",
                        "label=" + LABEL,
                        "--format",
                        "{{.Names}} {{.Label \"" + DEADLINE_LABEL + "\"}}"),
                20);
        if (listed.exit() != 0) {
            log.debug("Sandbox containers not listed: {}", listed.output().strip());
            return 0;
        }
        long now = Instant.now().getEpochSecond();
        int removed = 0;
        for (String line : listed.output().split("\n")) {
            String[] parts = line.strip().split(" ");
            if (parts.length == 2 && parts[1].chars().allMatch(Character::isDigit) && !parts[1].isEmpty()) {
                if (Long.parseLong(parts[1]) < now) {
                    remove(parts[0]);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            log.info("Removed {} sandbox containers past their deadline", removed);
        }
        return removed;
    }

    private record Cli(int exit, String output) {}

    private Cli cli(List<String> args, int seconds) {
        List<String> argv = new ArrayList<>(List.of(docker));
        argv.addAll(args);
        try {
            Path out = Files.createTempFile("docker", ".out");
            try {
                ProcessBuilder builder =
                        new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile());
                builder.environment().clear();
                builder.environment().putAll(cliEnvironment());
                Process process = builder.start();
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    return new Cli(-1, "docker " + args.get(0) + " did not answer within " + seconds + " s");
                }
                return new Cli(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Cli(-1, "cannot run docker: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Cli(-1, "interrupted");
        }
    }
}
