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
 * are not mounted.
 *
 * <p>Configured from the environment, the same for every agent: {@code FLEET_SANDBOX_IMAGE} (set:
 * this engine is used), {@code FLEET_SANDBOX_NETWORK} (default {@code bridge}), {@code
 * FLEET_SANDBOX_IMAGE_PATHS} (default {@code /opt/xpfleet}, colon-separated) and Docker's own
 * {@code DOCKER_HOST}.
 */
public record ContainerEngine(String image, String network, List<Path> imagePaths, String dockerHost) {

    private static final Logger log = LoggerFactory.getLogger(ContainerEngine.class);
    static final String LABEL = "dev.xpfleet.sandbox";
    static final String DEADLINE_LABEL = "dev.xpfleet.sandbox.deadline";
    /** Largest file a sandboxed command may write: 1 GiB. */
    private static final long MAX_FILE_BYTES = 1L << 30;

    public ContainerEngine {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("a container sandbox needs an image");
        }
        if (network == null || network.isBlank() || network.equals("none")) {
            throw new IllegalArgumentException(
                    "the network for runs that need one must name a Docker network, not '" + network + "'");
        }
        imagePaths = List.copyOf(imagePaths);
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
                env.get("DOCKER_HOST"));
    }

    /** Why no container can be had, or null: the engine answers and has the image (never pulled). */
    String unavailableReason() {
        Cli answer = cli(List.of("image", "inspect", "--format", "{{.Id}}", image), 20);
        if (answer.exit() == 0) {
            return null;
        }
        String said = answer.output().strip();
        return "the container engine" + (dockerHost == null ? "" : " at " + dockerHost) + " cannot run " + image + ": "
                + (said.isEmpty() ? "no answer" : said.lines().findFirst().orElse(said));
    }

    /** The environment the {@code docker} CLI runs with: nothing of the agent's but the engine's address. */
    Map<String, String> cliEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", System.getProperty("java.io.tmpdir"));
        if (dockerHost != null && !dockerHost.isBlank()) {
            env.put("DOCKER_HOST", dockerHost);
        }
        return env;
    }

    /** {@code docker run} for one command: attached, so its output is the run's output. */
    List<String> run(String name, Path workspace, List<String> command, SandboxLimits limits, SandboxAccess access) {
        String ws = workspace.toAbsolutePath().toString();
        long deadline = Instant.now().plus(limits.time()).getEpochSecond();
        List<String> argv = new ArrayList<>(List.of(
                "docker",
                "run",
                "--name",
                name,
                "--label",
                LABEL + "=1",
                "--label",
                DEADLINE_LABEL + "=" + deadline,
                "--pull",
                "never",
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
                "--env",
                "HOME=" + ws,
                "--env",
                "LANG=C.UTF-8",
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
        // The command replaces whatever entrypoint the image has.
        argv.addAll(List.of("--entrypoint", command.get(0), image));
        argv.addAll(command.subList(1, command.size()));
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

    /** How the container ended: whether the kernel killed it for memory, or null when it is not there. */
    Boolean oomKilled(String name) {
        Cli answer = cli(List.of("container", "inspect", "--format", "{{.State.OOMKilled}}", name), 20);
        return answer.exit() == 0 ? Boolean.valueOf(answer.output().strip()) : null;
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
        List<String> argv = new ArrayList<>(List.of("docker"));
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
