package dev.xpfleet.common.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Per-role consumer metrics, tagged {@code role}. */
final class ConsumerMetrics {

    final Counter received;
    final Counter completed;
    final Counter failed;
    final Counter retried;
    final Counter reclaimed;
    final Counter deadLettered;
    final Counter duplicates;
    final Timer processing;
    private final MeterRegistry registry;
    private final String role;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong pending = new AtomicLong();
    final AtomicLong lag = new AtomicLong();

    ConsumerMetrics(MeterRegistry registry, String role) {
        this.registry = registry;
        this.role = role;
        received = counter(registry, "fleet.consumer.received", role, "entries handed to a handler");
        completed = counter(registry, "fleet.consumer.completed", role, "entries whose result was published");
        failed = counter(registry, "fleet.consumer.failed", role, "results reported as failed");
        retried = counter(registry, "fleet.consumer.retried", role, "handler attempts that threw and were retried");
        reclaimed = counter(registry, "fleet.consumer.reclaimed", role, "entries taken over from dead consumers");
        deadLettered =
                counter(registry, "fleet.consumer.dead.lettered", role, "entries moved to the dead-letter stream");
        duplicates = counter(registry, "fleet.consumer.duplicates", role, "redelivered entries already completed");
        processing = Timer.builder("fleet.consumer.processing")
                .tag("role", role)
                .description("time from handing an entry to a handler to its acknowledgement")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("fleet.consumer.in.flight", inFlight, AtomicInteger::get)
                .tag("role", role)
                .register(registry);
        Gauge.builder("fleet.consumer.pending", pending, AtomicLong::get)
                .tag("role", role)
                .description("entries delivered to the group but not acknowledged")
                .register(registry);
        Gauge.builder("fleet.consumer.lag", lag, AtomicLong::get)
                .tag("role", role)
                .description("entries in the stream not yet delivered to the group")
                .register(registry);
    }

    /**
     * Counts a failed talk with Redis at one step of the runtime (group, own-pending, reclaim,
     * read, heartbeat, finish): how an operator sees Redis trouble without reading logs.
     */
    void redisError(String step) {
        Counter.builder("fleet.consumer.redis.errors")
                .tag("role", role)
                .tag("step", step)
                .description("calls to Redis that failed, by the runtime's step")
                .register(registry)
                .increment();
    }

    private static Counter counter(MeterRegistry registry, String name, String role, String description) {
        return Counter.builder(name).tag("role", role).description(description).register(registry);
    }
}
