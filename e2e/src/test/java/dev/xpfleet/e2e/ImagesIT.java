package dev.xpfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.ServiceEndpoints;
import dev.xpfleet.common.testing.TestServices;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The fleet's images, built by {@code deploy/docker/build-images.sh} on the real dockerd that
 * provisioning starts, and run the way the Swarm stack runs them: the QA agent's container, root,
 * with the engine's socket and its workspaces on a host directory at the same path, reports its
 * sandbox and analysers ready and runs a command in a throwaway container of the sandbox image.
 * The base images are provisioning's stand-ins (Debian bookworm with this machine's JDK, an image
 * with this machine's docker CLI): no registry here serves Temurin or docker:cli.
 */
class ImagesIT {

    private static final String REGISTRY = "xpfleet-it";
    private static final String VERSION = "it";
    private static final List<String> IMAGES =
            List.of("orchestrator", "dev-agent", "qa-agent", "review-agent", "refactor-agent", "pair-coordinator");

    private final String engine = TestServices.localSetting("FLEET_SANDBOX_TEST_DOCKER_HOST");
    private final String cli = TestServices.localSetting("FLEET_SANDBOX_TEST_DOCKER_CLI");

    @Test
    void everyImageBuildsAndTheQaAgentsContainerRunsItsSandboxAsContainers() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKER_HOST", engine);
        // Debian's docker.io CLI (20.10) builds with the engine's BuildKit without buildx.
        env.put("DOCKER_BUILDKIT", "1");
        env.put("PATH", Path.of(cli).getParent() + ":/usr/bin:/bin");
        env.put("FLEET_REGISTRY", REGISTRY);
        env.put("FLEET_VERSION", VERSION);
        env.put("FLEET_JRE_IMAGE", TestServices.localSetting("FLEET_IMAGE_TEST_JDK"));
        env.put("FLEET_JDK_IMAGE", TestServices.localSetting("FLEET_IMAGE_TEST_JDK"));
        env.put("FLEET_DOCKER_CLI_IMAGE", TestServices.localSetting("FLEET_IMAGE_TEST_DOCKER_CLI"));
        // The test engine has no bridge: the tools stage's apt-get uses the host's network.
        env.put("FLEET_DOCKER_BUILD_ARGS", "--network host");
        Ran built = run(env, Duration.ofMinutes(15), "bash", "deploy/docker/build-images.sh");
        assertThat(built.exit()).as(built.output()).isZero();

        for (String image : IMAGES) {
            String user = docker("image", "inspect", "--format", "{{.Config.User}}", tag(image))
                    .strip();
            String expected = switch (image) {
                case "dev-agent", "qa-agent", "review-agent" -> "";
                default -> "10001:10001";
            };
            assertThat(user).as(image + " runs as").isEqualTo(expected);
            assertThat(docker("image", "inspect", "--format", "{{json .Config.Healthcheck}}", tag(image)))
                    .as(image)
                    .contains("fleet-healthcheck");
        }

        Path work = Files.createDirectories(E2eDirs.work("images-it").resolve("qa-1"));
        Path probe = work.resolve("probe");
        Files.createDirectories(probe);
        Files.writeString(probe.resolve("test_probe.py"), "def test_adds():\n    assert 1 + 1 == 2\n");
        int port = freePort();
        String name = "xpfleet-it-qa-agent-" + port;
        ServiceEndpoints services = TestServices.endpoints();
        try {
            docker(
                    "run",
                    "--detach",
                    "--name",
                    name,
                    "--network",
                    "host",
                    "--memory",
                    "2g",
                    "--mount",
                    "type=bind,source=" + work + ",target=" + work,
                    "--mount",
                    "type=bind,source=" + engine.substring("unix://".length()) + ",target=/var/run/docker.sock",
                    "--env",
                    "SERVER_PORT=" + port,
                    "--env",
                    // As in the stack: the image of the agent's own container, by id.
                    "FLEET_SANDBOX_IMAGE=self",
                    "--env",
                    "FLEET_SANDBOX_NETWORK=host",
                    "--env",
                    "FLEET_QA_WORK_ROOT=" + work,
                    // As in the stack: clones come through the orchestrator (none runs here: the
                    // readiness needs only the setting).
                    "--env",
                    "FLEET_QA_ORCHESTRATOR_URL=http://127.0.0.1:9",
                    "--env",
                    "FLEET_QA_ORCHESTRATOR_TOKEN=fleet_images_it_not_a_real_token",
                    "--env",
                    "SPRING_DATA_REDIS_HOST=" + services.redis().host(),
                    "--env",
                    "SPRING_DATA_REDIS_PORT=" + services.redis().port(),
                    "--env",
                    "FLEET_ARTIFACTS_ENDPOINT=" + services.s3().endpoint(),
                    "--env",
                    "FLEET_ARTIFACTS_ACCESS_KEY=" + services.s3().accessKey(),
                    "--env",
                    "FLEET_ARTIFACTS_SECRET_KEY=" + services.s3().secretKey(),
                    tag("qa-agent"));
            HttpClient http = HttpClient.newHttpClient();
            URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
            String[] said = {""};
            Awaitility.await()
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        HttpResponse<String> answer = http.send(
                                HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.ofString());
                        said[0] = answer.body();
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    });
            assertThat(said[0]).contains("\"sandbox\":{\"status\":\"UP\"}").contains("\"qa\":{\"status\":\"UP\"}");
            assertThat(docker("logs", name)).contains("in a throwaway container of self per run");

            // The agent's own Sandbox class, in its image, as root with the socket: a run of the
            // sandbox image as nobody, without network, with the build tools and the analysers.
            Path script = work.resolve("probe.jsh");
            Files.writeString(script, """
                    import dev.xpfleet.common.sandbox.*;
                    var limits = new SandboxLimits(java.time.Duration.ofSeconds(90), 512L * 1024 * 1024, 128);
                    var r = new Sandbox(false).run(java.nio.file.Path.of("%s"), java.util.List.of("sh", "-c",
                        "id -u; ls /sys/class/net; python3 -m pytest -q -p no:cacheprovider test_probe.py;"
                        + " mvn -v > mvn.txt 2>&1; head -n 1 mvn.txt; ls %s/lib | wc -l"), limits);
                    System.out.println("OUTCOME " + r.outcome() + " " + r.exitCode());
                    System.out.println(r.output());
                    /exit
                    """.formatted(probe, "/opt/xpfleet/qa-tools"));
            String ran = docker(
                    "exec",
                    "--env",
                    "JAVA_TOOL_OPTIONS=",
                    name,
                    "sh",
                    "-c",
                    "jshell --class-path \"$(ls /app/BOOT-INF/lib/*.jar | tr '\\n' :)\" " + script);
            assertThat(ran)
                    .contains("OUTCOME COMPLETED 0")
                    .contains("65534")
                    .contains("1 passed")
                    .contains("Apache Maven");
            assertThat(ran.lines().filter(l -> l.strip().equals("lo")))
                    .as("only loopback")
                    .hasSize(1);
            assertThat(ran.lines().anyMatch(l -> l.strip().matches("[1-9]\\d*")))
                    .as("the analysers' jars")
                    .isTrue();
            assertThat(docker("ps", "--all", "--filter", "label=dev.xpfleet.sandbox", "--format", "{{.Names}}")
                            .strip())
                    .as("each sandbox container is gone after its run")
                    .isEmpty();
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(docker("inspect", "--format", "{{.State.Health.Status}}", name)
                                    .strip())
                            .as("the image's health check")
                            .isEqualTo("healthy"));
        } finally {
            run(Map.of("DOCKER_HOST", engine), Duration.ofMinutes(1), cli, "rm", "--force", name);
            // What the builds left that no tag names any more.
            run(Map.of("DOCKER_HOST", engine), Duration.ofMinutes(2), cli, "image", "prune", "--force");
        }
    }

    private static String tag(String image) {
        return REGISTRY + "/" + image + ":" + VERSION;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private record Ran(int exit, String output) {}

    private String docker(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(cli));
        argv.addAll(List.of(args));
        Ran ran = run(Map.of("DOCKER_HOST", engine), Duration.ofMinutes(3), argv.toArray(String[]::new));
        assertThat(ran.exit()).as(String.join(" ", argv) + ": " + ran.output()).isZero();
        return ran.output();
    }

    private static Ran run(Map<String, String> env, Duration limit, String... command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("images-it", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(E2eDirs.ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                return new Ran(-1, "did not end within " + limit + ": " + Files.readString(out));
            }
            return new Ran(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
