package dev.xpfleet.orchestrator.bench;

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
import java.util.concurrent.TimeUnit;

/** Orchestrator replicas as separate processes from the packaged jar, like a deployment runs them. */
final class Replicas implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private Replicas() {}

    static Replicas start(int count, IsolatedServices services, Path jar) throws Exception {
        Replicas replicas = new Replicas();
        try {
            for (int i = 0; i < count; i++) {
                int port = freePort();
                Map<String, Object> settings = new HashMap<>(services.springProperties());
                settings.put("server.port", port);
                String jvmOptions = System.getProperty("bench.replica-jvm-options", "");
                if (!jvmOptions.isBlank()) { // e.g. a JFR recording: -XX:StartFlightRecording=filename=...
                    settings.put("JAVA_TOOL_OPTIONS", jvmOptions.replace("{n}", String.valueOf(i)));
                }
                Path log = Files.createTempFile("fleet-bench-orchestrator-" + i + "-", ".log");
                replicas.processes.add(ServiceJar.at(jar).start(settings, log));
                replicas.ports.add(port);
            }
            for (int port : replicas.ports) {
                awaitReady(port);
            }
            return replicas;
        } catch (Exception e) {
            replicas.close();
            throw e;
        }
    }

    List<ProcessHandle> processes() {
        return processes.stream().map(Process::toHandle).toList();
    }

    List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** Stops every replica by its pid (SIGTERM, graceful; SIGKILL after 20 s). */
    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        processes.clear();
    }

    private static void awaitReady(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        URI readiness = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(readiness)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IllegalStateException("orchestrator on port " + port + " not ready within 120 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
