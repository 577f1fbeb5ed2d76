package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.IsolatedServices;
import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Consumer runtime benchmark (run with {@code deploy/local/fleet bench}): throughput with a no-op
 * handler beside the raw XREADGROUP+XACK rate of the same Redis, and stream-to-handler latency at a
 * steady 1,000 entries/s. Prints medians of several rounds.
 */
public final class ConsumerBenchmark {

    private static final int ENTRIES = Integer.getInteger("bench.entries", 20_000);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);

    private ConsumerBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Double> raw = new ArrayList<>();
        List<Double> runtime = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            raw.add(rawRate());
            runtime.add(runtimeRate());
            System.out.printf("round %d: raw %.0f/s, runtime %.0f/s%n", round, raw.getLast(), runtime.getLast());
        }
        double rawMedian = median(raw);
        double runtimeMedian = median(runtime);
        long[] latency = latencyAt(1000, 10);
        System.out.printf(
                "raw XREADGROUP+XACK (1 reader, batch %d, one XACK per entry): median %.0f entries/s%n",
                CONCURRENCY, rawMedian);
        System.out.printf(
                "runtime, no-op handler, concurrency %d: median %.0f entries/s = %.2f x raw%n",
                CONCURRENCY, runtimeMedian, runtimeMedian / rawMedian);
        System.out.printf(
                "stream-to-handler latency at 1000 entries/s for 10 s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                latency[0] / 1e6, latency[1] / 1e6, latency[2] / 1e6);
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    private static double rawRate() throws Exception {
        try (IsolatedServices services = IsolatedServices.create("bench-raw", false);
                ConsumerFixture fixture = fixture(services)) {
            String stream = fixture.names.tasks(AgentRole.DEV);
            fill(fixture, ENTRIES);
            RedisCommands<String, String> redis = fixture.redis;
            redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "raw", XGroupCreateArgs.Builder.mkstream());
            Consumer<String> consumer = Consumer.from("raw", "r1");
            long start = System.nanoTime();
            int done = 0;
            while (done < ENTRIES) {
                List<StreamMessage<String, String>> batch = redis.xreadgroup(
                        consumer, XReadArgs.Builder.count(CONCURRENCY), XReadArgs.StreamOffset.lastConsumed(stream));
                for (StreamMessage<String, String> entry : batch) {
                    redis.xack(stream, "raw", entry.getId());
                }
                done += batch.size();
            }
            return ENTRIES / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double runtimeRate() throws Exception {
        try (IsolatedServices services = IsolatedServices.create("bench-runtime", false);
                ConsumerFixture fixture = fixture(services)) {
            fill(fixture, ENTRIES);
            long start = System.nanoTime();
            try (StreamConsumer consumer = fixture.consumer(AgentRole.DEV, props(), noop(null))) {
                consumer.start();
                while (fixture.redis.xlen(fixture.names.results()) < ENTRIES) {
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                return ENTRIES / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    private static long[] latencyAt(int perSecond, int seconds) throws Exception {
        int total = perSecond * seconds;
        long[] latencies = new long[total];
        int[] seen = {0};
        try (IsolatedServices services = IsolatedServices.create("bench-latency", false);
                ConsumerFixture fixture = fixture(services)) {
            MessageHandler handler = noop((envelope, now) -> {
                synchronized (seen) {
                    if (seen[0] < total) {
                        latencies[seen[0]++] =
                                now - envelope.payload().get("sentNanos").asLong();
                    }
                }
            });
            try (StreamConsumer consumer = fixture.consumer(AgentRole.DEV, props(), handler)) {
                consumer.start();
                TimeUnit.SECONDS.sleep(1);
                long interval = 1_000_000_000L / perSecond;
                long next = System.nanoTime();
                for (int i = 0; i < total; i++) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    Envelope envelope = Envelope.create(
                            "bench.noop",
                            UuidV7.next(),
                            1,
                            EnvelopeCodec.mapper().createObjectNode().put("sentNanos", System.nanoTime()));
                    fixture.send(AgentRole.DEV, envelope);
                    next += interval;
                }
                while (fixture.redis.xlen(fixture.names.results()) < total) {
                    TimeUnit.MILLISECONDS.sleep(5);
                }
            }
        }
        Arrays.sort(latencies);
        return new long[] {latencies[total / 2], latencies[(int) (total * 0.99)], latencies[total - 1]};
    }

    private interface Probe {
        void seen(Envelope envelope, long nanos);
    }

    private static MessageHandler noop(Probe probe) {
        return new MessageHandler() {
            @Override
            public Set<String> types() {
                return Set.of("bench.noop");
            }

            @Override
            public HandlerResult handle(Envelope envelope, HandlerContext context) {
                if (probe != null) {
                    probe.seen(envelope, System.nanoTime());
                }
                return HandlerResult.completed(null);
            }
        };
    }

    private static ConsumerProperties props() {
        ConsumerProperties d = ConsumerProperties.defaults();
        return new ConsumerProperties(
                "bench",
                CONCURRENCY,
                Duration.ofMillis(100),
                d.heartbeatInterval(),
                d.reclaimIdle(),
                d.reclaimInterval(),
                d.maxDeliveries(),
                d.retryBackoff(),
                d.retryBackoffMax(),
                Duration.ofMinutes(10),
                d.shutdownGrace(),
                1_000_000);
    }

    private static ConsumerFixture fixture(IsolatedServices services) {
        return new ConsumerFixture(
                services.endpoints().redis().host(),
                services.endpoints().redis().port(),
                services.redisPrefix());
    }

    private static void fill(ConsumerFixture fixture, int count) {
        String stream = fixture.names.tasks(AgentRole.DEV);
        for (int i = 0; i < count; i++) {
            fixture.redis.xadd(stream, EnvelopeCodec.toFields(Envelope.create("bench.noop", UuidV7.next(), 1, null)));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
