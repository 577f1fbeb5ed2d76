package dev.xpfleet.e2e;

import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.ServiceJar;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fleet's packaged services as processes on this machine, pointed at one isolated slice of
 * PostgreSQL, Redis and S3; stopped (SIGKILL by pid) when closed. Logs go to {@code e2e/target}.
 */
final class FleetProcesses implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final IsolatedServices services;
    private final Path logs;
    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private int orchestratorPort;

    FleetProcesses(IsolatedServices services, String name) throws IOException {
        this.services = services;
        this.logs = Files.createDirectories(E2eDirs.ROOT.resolve("e2e/target/logs/" + name));
    }

    private final Map<String, Integer> ports = new HashMap<>();

    /** The HTTP port of an agent this started, by its instance name. */
    int port(String instance) {
        return ports.get(instance);
    }

    /** The log of a process this started, by its instance name ({@code orchestrator} for it). */
    Path log(String instance) {
        return logs.resolve(instance + ".log");
    }

    URI orchestrator() {
        return URI.create("http://127.0.0.1:" + orchestratorPort);
    }

    Process startOrchestrator(Map<String, Object> extra) throws Exception {
        orchestratorPort = freePort();
        Map<String, Object> settings = new HashMap<>(services.springProperties());
        settings.put("server.port", orchestratorPort);
        settings.putAll(extra);
        Process process = ServiceJar.at(E2eDirs.jar("orchestrator", "orchestrator"))
                .start(settings, logs.resolve("orchestrator.log"));
        started.add(process);
        awaitReady(orchestratorPort, process, "orchestrator");
        return process;
    }

    /** An agent as its own process; its consumer name is {@code instance}. */
    Process startAgent(String module, String artifactId, String instance, Map<String, Object> extra) throws Exception {
        int port = freePort();
        Map<String, Object> settings = new HashMap<>(services.springProperties());
        settings.keySet().removeIf(key -> key.startsWith("spring.datasource."));
        settings.put("server.port", port);
        settings.put("fleet.consumer.instance-id", instance);
        settings.putAll(extra);
        ports.put(instance, port);
        Process process =
                ServiceJar.at(E2eDirs.jar(module, artifactId)).start(settings, logs.resolve(instance + ".log"));
        started.add(process);
        awaitReady(port, process, instance);
        return process;
    }

    JsonNode post(String path, Object body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(orchestrator().resolve(path))
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new AssertionError("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(orchestrator().resolve(path))
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private void awaitReady(int port, Process process, String name) {
        await(name + " ready (log in " + logs + ")")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + logs);
                    }
                    return http.send(
                                            HttpRequest.newBuilder(URI.create(
                                                            "http://127.0.0.1:" + port + "/actuator/health/readiness"))
                                                    .timeout(TIMEOUT)
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly().waitFor();
        }
    }
}
