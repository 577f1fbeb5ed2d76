package dev.xpfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Swarm stack, checked without a Docker engine: {@code docker stack config} and Compose v2's
 * {@code config} accept it (both unpacked by provisioning), and what they render holds the seed's
 * deploy settings, the networks, the secrets, the backups, and routes from outside to the webhook,
 * the REST API and Grafana only. The image definition, its health check and Traefik's configuration
 * are read too: Traefik's published JSON schema cannot be had from the registries these machines
 * reach (npm ships its v3 types only), so its settings are asserted here instead.
 */
class SwarmStackIT {

    private static final Path DEPLOY = E2eDirs.ROOT.resolve("deploy");
    private static final Map<String, String> ENV = Map.of(
            "FLEET_HOST", "fleet.example.com",
            "GRAFANA_HOST", "grafana.example.com",
            "FLEET_ACME_EMAIL", "ops@example.com",
            "FLEET_MODEL_BASE_URL", "https://models.example.com/v1");
    private static final List<String> FLEET_SERVICES =
            List.of("orchestrator", "dev-agent", "qa-agent", "review-agent", "refactor-agent", "pair-coordinator");

    @TempDir
    Path dir;

    record Ran(int exit, String output) {}

    @Test
    void dockerStackConfigRendersTheStackWithTheSeedsDeploySettings() throws Exception {
        Ran rendered = run(ENV, tool("docker"), "stack", "config", "-c", "swarm-stack.yml");
        assertThat(rendered.exit()).as(rendered.output()).isZero();
        Map<String, Object> stack = new Yaml().load(rendered.output());
        Map<String, Object> services = map(stack, "services");

        assertThat(services.keySet())
                .containsAll(FLEET_SERVICES)
                .contains("postgres", "postgres-backup", "redis", "minio", "minio-mirror")
                .contains("prometheus", "grafana", "jaeger", "traefik");

        Map<String, Object> orchestrator = map(services, "orchestrator");
        Map<String, Object> deploy = map(orchestrator, "deploy");
        assertThat(deploy.get("replicas")).isEqualTo(3);
        assertThat(map(deploy, "placement").get("max_replicas_per_node")).isEqualTo(1);
        assertThat(map(deploy, "update_config")).containsEntry("parallelism", 1).containsEntry("delay", "10s");
        assertThat(map(deploy, "restart_policy"))
                .containsEntry("condition", "on-failure")
                .containsEntry("delay", "5s");
        assertThat(map(orchestrator, "healthcheck").get("test").toString()).contains("fleet-healthcheck");

        for (String name : FLEET_SERVICES) {
            Map<String, Object> service = map(services, name);
            assertThat(service.get("networks").toString())
                    .as(name)
                    .contains("labstack_net")
                    .contains("labstack_monitoring");
            assertThat(map(service, "healthcheck"))
                    .as(name + " has a health check")
                    .isNotEmpty();
            assertThat(map(map(service, "deploy"), "restart_policy")).as(name).containsEntry("condition", "on-failure");
            assertThat(map(service, "environment"))
                    .as(name + " reads its credentials from Docker secrets")
                    .containsEntry("SPRING_CONFIG_IMPORT", "optional:configtree:/run/secrets/")
                    .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318");
            for (Object secret : list(service, "secrets")) {
                String target = String.valueOf(((Map<?, ?>) secret).get("target"));
                assertThat(target)
                        .as(name + ": a secret's target names the property it sets")
                        .matches("(spring|fleet)\\..+");
                assertThat(((Map<?, ?>) secret).get("uid"))
                        .as(name + ": readable by the image's user")
                        .isEqualTo("10001");
            }
        }
        assertThat(map(stack, "networks").keySet()).containsExactlyInAnyOrder("labstack_net", "labstack_monitoring");

        // The agents that run repository code get a throwaway container per run from the node's
        // engine, their workspaces on a node directory at the same path, and no extra capability.
        for (String name : List.of("dev-agent", "qa-agent", "review-agent")) {
            Map<String, Object> service = map(services, name);
            String role = name.substring(0, name.indexOf('-')).toUpperCase(java.util.Locale.ROOT);
            assertThat(map(service, "environment"))
                    .as(name)
                    .containsEntry("FLEET_SANDBOX_IMAGE", "self")
                    .containsEntry(
                            "FLEET_" + role + "_WORK_ROOT",
                            "/var/lib/xpfleet/work/" + name.substring(0, name.indexOf('-')) + "-{{.Task.Slot}}");
            assertThat(list(service, "volumes").toString())
                    .as(name)
                    .contains("source=/var/lib/xpfleet/work, target=/var/lib/xpfleet/work")
                    .contains("source=/var/run/docker.sock, target=/var/run/docker.sock");
            assertThat(service).as(name).doesNotContainKey("cap_add");
            assertThat(map(map(service, "deploy"), "update_config"))
                    .as(name + ": the old task of a slot stops before the new one shares its work root")
                    .containsEntry("order", "stop-first");
        }

        // Redis with its append-only file, and the database dumped to /backups/postgres.
        assertThat(list(map(services, "redis"), "entrypoint").toString()).contains("--appendonly yes");
        Map<String, Object> backup = map(services, "postgres-backup");
        assertThat(map(backup, "environment")).containsEntry("FLEET_BACKUP_DIR", "/backups/postgres");
        assertThat(list(backup, "volumes").toString()).contains("target=/backups/postgres");
        assertThat(String.valueOf(map(services, "postgres").get("image"))).contains("pgvector");
        assertThat(String.valueOf(map(services, "minio-mirror").get("command")))
                .contains("version enable", "mirror --watch");

        // Only Traefik listens outside; it routes the webhook and the API, and Grafana, with TLS.
        for (Map.Entry<String, Object> service : services.entrySet()) {
            if (!service.getKey().equals("traefik")) {
                assertThat(((Map<?, ?>) service.getValue()).get("ports"))
                        .as(service.getKey())
                        .isNull();
            }
        }
        Set<String> routed = new LinkedHashSet<>();
        services.forEach((name, service) -> {
            Object labels = ((Map<?, ?>) service).get("deploy") instanceof Map<?, ?> d ? d.get("labels") : null;
            if (labels instanceof Map<?, ?> l && "true".equals(l.get("traefik.enable"))) {
                routed.add(name);
                l.forEach((key, value) -> {
                    if (key.toString().endsWith(".entrypoints")) {
                        assertThat(value).as(name).isEqualTo("websecure");
                    }
                });
            }
        });
        assertThat(routed).containsExactlyInAnyOrder("orchestrator", "grafana");
        assertThat(String.valueOf(map(map(orchestrator, "deploy"), "labels").get("traefik.http.routers.fleet.rule")))
                .isEqualTo("Host(`fleet.example.com`) && (PathPrefix(`/webhooks/`) || PathPrefix(`/api/`))"
                        + " && !PathPrefix(`/api/forge/clone-credentials`) && !PathPrefix(`/api/context/index`)"
                        + " && !PathPrefix(`/api/pair/`)");

        // No credential in the file: every secret comes from outside, no variable carries one.
        map(stack, "secrets")
                .forEach((name, secret) -> assertThat(((Map<?, ?>) secret).get("external"))
                        .as(name)
                        .isEqualTo(true));
        services.forEach((name, service) -> {
            if (((Map<?, ?>) service).get("environment") instanceof Map<?, ?> env) {
                env.keySet()
                        .forEach(key -> assertThat(key.toString())
                                .as(name + " passes a credential in its environment")
                                .doesNotContainPattern("(PASSWORD|SECRET|TOKEN|API_KEY|ACCESS_KEY)$"));
            }
        });

        // Every config file the stack names is in the repository.
        map(stack, "configs").forEach((name, config) -> {
            Path file = Path.of(String.valueOf(((Map<?, ?>) config).get("file")));
            assertThat(file).as(name).isRegularFile();
        });
    }

    @Test
    void aMissingRequiredSettingIsNamed() throws Exception {
        Map<String, String> without = new HashMap<>(ENV);
        without.remove("FLEET_HOST");
        Ran refused = run(without, tool("docker"), "stack", "config", "-c", "swarm-stack.yml");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.output()).contains("set FLEET_HOST to the fleet's public host name");
    }

    @Test
    void composeAcceptsTheStackAndCatchesAnUndefinedNetwork() throws Exception {
        Ran checked = run(ENV, tool("docker-compose"), "-f", "swarm-stack.yml", "config", "-q");
        assertThat(checked.exit()).as(checked.output()).isZero();

        // What docker stack config lets through: a service on a network the file does not define.
        String stack = Files.readString(DEPLOY.resolve("swarm-stack.yml"));
        Path broken =
                DEPLOY.resolve(".swarm-stack-broken-" + ProcessHandle.current().pid() + ".yml");
        try {
            Files.writeString(
                    broken,
                    stack.replace(
                            "    networks: [labstack_monitoring]\n    deploy:\n      replicas: 1\n      restart_policy:",
                            "    networks: [labstack_monitoringg]\n    deploy:\n      replicas: 1\n      restart_policy:"));
            assertThat(Files.readString(broken)).contains("labstack_monitoringg");
            Ran refused =
                    run(ENV, tool("docker-compose"), "-f", broken.getFileName().toString(), "config", "-q");
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.output()).contains("labstack_monitoringg");
        } finally {
            Files.deleteIfExists(broken);
        }
    }

    @Test
    void prometheusScrapesTheStacksServicesOnTheirPorts() throws Exception {
        Map<String, Object> services = map(
                new Yaml()
                        .load(run(ENV, tool("docker"), "stack", "config", "-c", "swarm-stack.yml")
                                .output()),
                "services");
        String prometheus = Files.readString(DEPLOY.resolve("prometheus/prometheus.yml"));
        Matcher target = Pattern.compile("names: \\[tasks\\.([a-z-]+)]\\s+type: A\\s+port: (\\d+)")
                .matcher(prometheus);
        Set<String> scraped = new LinkedHashSet<>();
        while (target.find()) {
            scraped.add(target.group(1));
            assertThat(map(map(services, target.group(1)), "environment"))
                    .as(target.group(1) + " listens where Prometheus looks")
                    .containsEntry("SERVER_PORT", target.group(2));
        }
        assertThat(scraped).containsExactlyInAnyOrderElementsOf(FLEET_SERVICES);
        assertThat(list(map(services, "prometheus"), "secrets").toString()).contains("fleet_scraper_token");
        assertThat(prometheus).contains("credentials_file: /run/secrets/fleet_scraper_token");
    }

    @Test
    void traefikTerminatesTlsAndRoutesOnlyWhatIsEnabled() throws Exception {
        Map<String, Object> traefik = new Yaml().load(Files.readString(DEPLOY.resolve("traefik/traefik.yml")));
        Map<String, Object> entryPoints = map(traefik, "entryPoints");
        assertThat(map(entryPoints, "web").get("address")).isEqualTo(":80");
        assertThat(map(map(map(map(entryPoints, "web"), "http"), "redirections"), "entryPoint"))
                .containsEntry("to", "websecure")
                .containsEntry("scheme", "https");
        assertThat(map(entryPoints, "websecure").get("address")).isEqualTo(":443");
        assertThat(map(map(map(entryPoints, "websecure"), "http"), "tls")).containsEntry("certResolver", "letsencrypt");
        Map<String, Object> swarm = map(map(traefik, "providers"), "swarm");
        assertThat(swarm).containsEntry("exposedByDefault", false).containsEntry("network", "labstack_net");
        Map<String, Object> acme = map(map(map(traefik, "certificatesResolvers"), "letsencrypt"), "acme");
        assertThat(acme).containsKey("tlsChallenge").containsEntry("storage", "/letsencrypt/acme.json");
        assertThat(String.valueOf(acme.get("email"))).isEqualTo("{{ env \"FLEET_ACME_EMAIL\" }}");
        Map<String, Object> tls = new Yaml().load(Files.readString(DEPLOY.resolve("traefik/dynamic/tls.yml")));
        assertThat(map(map(map(tls, "tls"), "options"), "default")).containsEntry("minVersion", "VersionTLS12");
    }

    @Test
    void theImagesRunAsAnUnprivilegedUserWithTheirLayersAHealthCheckAndHeapFromTheLimit() throws Exception {
        String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile"));
        for (String stage : dockerfile.split("\nFROM ")) {
            if (stage.contains(" AS service") || stage.contains(" AS builder")) {
                // The agents that build repositories run as root in their container: they hand
                // workspaces to nobody and take caches back, as on a host (docs/operations.md).
                assertThat(stage)
                        .contains(
                                stage.contains(" AS service")
                                        ? "USER 10001:10001"
                                        : "FLEET_QA_TOOLS_DIR=/opt/xpfleet/qa-tools")
                        .contains("HEALTHCHECK")
                        .contains("MaxRAMPercentage");
                assertThat(stage)
                        .containsSubsequence(
                                "extracted/dependencies/",
                                "extracted/spring-boot-loader/",
                                "extracted/snapshot-dependencies/",
                                "extracted/application/");
            }
        }
        assertThat(dockerfile.split("\nFROM "))
                .as("the build tools and the analysers, at the path the QA agent is told")
                .anySatisfy(stage ->
                        assertThat(stage).contains(" AS tools").contains("COPY ${QA_TOOLS} /opt/xpfleet/qa-tools"));
        // The layers the image copies are the ones Spring Boot's tools extract from a service's jar.
        Path jar = E2eDirs.jar("agents/refactor-agent", "refactor-agent");
        Ran extracted = run(
                Map.of(),
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djarmode=tools",
                        "-jar",
                        jar.toAbsolutePath().toString(),
                        "extract",
                        "--layers",
                        "--launcher",
                        "--destination",
                        dir.resolve("extracted").toString()));
        assertThat(extracted.exit()).as(extracted.output()).isZero();
        for (String layer : List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
            assertThat(dir.resolve("extracted").resolve(layer)).isDirectory();
        }
        assertThat(dir.resolve("extracted/spring-boot-loader/org/springframework/boot/loader/launch/JarLauncher.class"))
                .isRegularFile();
        // Every service of the stack has an image built by build-images.sh, on the port it is scraped on.
        String build = Files.readString(DEPLOY.resolve("docker/build-images.sh"));
        for (String service : FLEET_SERVICES) {
            assertThat(build).containsPattern("\"" + service + " +[a-z/-]+ +80\\d\\d (service|builder)\"");
        }
    }

    @Test
    void theHealthCheckPassesAServiceThatIsUpAndFailsOneThatIsDownOrGone() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String[] answer = {"{\"status\":\"UP\"}"};
        int[] status = {200};
        server.createContext("/actuator/health/liveness", exchange -> {
            byte[] body = answer[0].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status[0], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String port = String.valueOf(server.getAddress().getPort());
            List<String> check =
                    List.of("bash", DEPLOY.resolve("docker/healthcheck.sh").toString());
            assertThat(run(Map.of("SERVER_PORT", port), check).exit()).isZero();
            answer[0] = "{\"status\":\"DOWN\"}";
            status[0] = 503;
            assertThat(run(Map.of("SERVER_PORT", port), check).exit()).isNotZero();
        } finally {
            server.stop(0);
        }
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThat(run(
                                Map.of("SERVER_PORT", String.valueOf(closed)),
                                List.of(
                                        "bash",
                                        DEPLOY.resolve("docker/healthcheck.sh").toString()))
                        .exit())
                .isNotZero();
    }

    // ------------------------------------------------------------------------------------------

    /** A tool on the PATH, or the one provisioning unpacked under the checkout's fleet home. */
    private static String tool(String name) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
                return Path.of(entry, name).toString();
            }
        }
        Path home = Path.of(System.getenv()
                .getOrDefault("FLEET_HOME", E2eDirs.ROOT.resolve(".fleet").toString()));
        Path provisioned = home.resolve("tools").resolve(name);
        assertThat(provisioned).as(name + ": run deploy/local/fleet provision").isExecutable();
        return provisioned.toString();
    }

    private Ran run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        return run(env, List.of(command));
    }

    private Ran run(Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(DEPLOY.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> ENV.containsKey(key));
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Ran(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<?> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        assertThat(value).as(key).isInstanceOf(List.class);
        return (List<?>) value;
    }
}
