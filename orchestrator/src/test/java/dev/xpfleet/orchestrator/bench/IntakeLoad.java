package dev.xpfleet.orchestrator.bench;

import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.orchestrator.webhook.GitHubSignature;
import dev.xpfleet.orchestrator.webhook.WebhookClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signed {@code issues.labeled} deliveries, each for a new issue (so each creates a task, its
 * audit rows and its outbox row), spread round-robin over the replicas.
 */
final class IntakeLoad {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<URI> endpoints;
    private final HttpClient http = HttpClient.newBuilder().build();
    private final ObjectNode template;
    private final AtomicInteger issue = new AtomicInteger(1);
    private final AtomicLong next = new AtomicLong();

    IntakeLoad(List<Integer> ports) throws Exception {
        this.endpoints = ports.stream()
                .map(p -> URI.create("http://127.0.0.1:" + p + "/webhooks/github"))
                .toList();
        this.template = WebhookClient.issue("issues.labeled", "agent", "OWNER");
        ((ObjectNode) template.path("repository")).put("full_name", "bench/intake-" + UUID.randomUUID());
    }

    /** Sends as fast as {@code clients} concurrent senders can for the given time. */
    Result closedLoop(int clients, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<long[]>> senders = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                senders.add(pool.submit(() -> {
                    long[] latencies = new long[1 << 16];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        if (!send()) {
                            errors.incrementAndGet();
                        }
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = System.nanoTime() - t0;
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : senders) {
            all.add(f.get());
        }
        return Result.of(all, elapsed, errors.get());
    }

    /**
     * Sends at a steady rate whatever the answers do (open loop); latency counts from when each
     * request was due, so a stall shows up in the figures instead of slowing the sender.
     */
    Result openLoop(double perSecond, int seconds) throws Exception {
        int total = (int) (perSecond * seconds);
        long interval = (long) (1e9 / perSecond);
        long[] latencies = new long[total];
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = start + i * interval;
                LockSupport.parkNanos(due - System.nanoTime());
                int slot = i;
                pool.submit(() -> {
                    if (!send()) {
                        errors.incrementAndGet();
                    }
                    latencies[slot] = System.nanoTime() - due;
                    return null;
                });
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return Result.of(List.of(latencies), elapsed, errors.get());
    }

    private boolean send() throws Exception {
        ObjectNode payload = template.deepCopy();
        ((ObjectNode) payload.path("issue")).put("number", issue.getAndIncrement());
        byte[] body = JSON.writeValueAsBytes(payload);
        URI endpoint = endpoints.get((int) (next.getAndIncrement() % endpoints.size()));
        HttpResponse<Void> response = http.send(
                HttpRequest.newBuilder(endpoint)
                        .header("Content-Type", "application/json")
                        .header("X-GitHub-Event", "issues")
                        .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                        .header("X-Hub-Signature-256", GitHubSignature.sign(body, IsolatedServices.WEBHOOK_SECRET))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        return response.statusCode() == 202;
    }

    record Result(int requests, int errors, double seconds, long p50Nanos, long p99Nanos) {

        static Result of(List<long[]> parts, double seconds, int errors) {
            long[] all = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(all.length, errors, seconds, Stats.quantile(all, 0.50), Stats.quantile(all, 0.99));
        }

        double perSecond() {
            return requests / seconds;
        }
    }
}
