package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MalformedEnvelopeException;
import io.lettuce.core.Consumer;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one entry to an {@link EnvelopeSink}: applied, then acknowledged; retried in place while it
 * throws; after {@code max-deliveries} (or at once when unreadable) moved to the dead-letter stream
 * and acknowledged in one script.
 */
final class SinkWorker implements EntryProcessor {

    private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);

    /** How long a sink's outage may hold an entry before its failures count as deliveries again. */
    static final Duration MAX_OUTAGE = Duration.ofMinutes(10);

    private final RedisCommands<String, String> redis;
    private final StreamConsumer.Subscription subscription;
    private final Consumer<String> consumer;
    private final ConsumerProperties props;
    private final EnvelopeSink sink;
    private final ConsumerMetrics metrics;
    private final Redelivery redelivery;
    private final TraceContinuation tracing;

    SinkWorker(
            RedisCommands<String, String> redis,
            StreamConsumer.Subscription subscription,
            ConsumerProperties props,
            EnvelopeSink sink,
            ConsumerMetrics metrics,
            BooleanSupplier running,
            TraceContinuation tracing) {
        this.redis = redis;
        this.subscription = subscription;
        this.consumer = Consumer.from(subscription.group(), props.instanceId());
        this.props = props;
        this.sink = sink;
        this.metrics = metrics;
        this.redelivery = new Redelivery(redis, subscription.stream(), consumer, props, running);
        this.tracing = tracing;
    }

    @Override
    public void process(StreamMessage<String, String> entry, long delivery) {
        long started = System.nanoTime();
        metrics.inFlight.incrementAndGet();
        metrics.received.increment();
        try {
            processTracked(entry, delivery == 0 ? redelivery.deliveries(entry.getId()) : delivery);
        } catch (RuntimeException e) {
            metrics.redisError("finish");
            log.warn("Entry {} on {} left pending: {}", entry.getId(), subscription.stream(), e.getMessage());
        } finally {
            metrics.inFlight.decrementAndGet();
            metrics.processing.record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private void processTracked(StreamMessage<String, String> entry, long firstDelivery) {
        if (entry.getBody() == null || entry.getBody().isEmpty()) {
            redis.xack(subscription.stream(), subscription.group(), entry.getId());
            return;
        }
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.fromFields(entry.getBody());
            if (!sink.types().contains(envelope.type())) {
                throw new MalformedEnvelopeException("not a type this stream takes: " + envelope.type());
            }
        } catch (MalformedEnvelopeException e) {
            deadLetter(entry, null, firstDelivery, e.getMessage());
            return;
        }
        // One span for the envelope, its retries included, continuing the sender's trace.
        try (TraceContinuation.Traced traced = tracing.start(envelope, subscription.name())) {
            applyWithRetries(entry, envelope, firstDelivery, traced);
        }
    }

    private void applyWithRetries(
            StreamMessage<String, String> entry,
            Envelope envelope,
            long firstDelivery,
            TraceContinuation.Traced traced) {
        long delivery = firstDelivery;
        long outages = 0;
        long outageStarted = 0;
        String lastError = null;
        while (true) {
            if (delivery > props.maxDeliveries()) {
                long deliveries = delivery - 1;
                deadLetter(
                        entry,
                        envelope,
                        deliveries,
                        lastError == null
                                ? "delivered %d times without completing (its consumers died or stalled)"
                                        .formatted(deliveries)
                                : "failed %d times, last: %s".formatted(deliveries, lastError));
                return;
            }
            try {
                sink.apply(envelope);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                traced.error(e);
                metrics.retried.increment();
                if (outages == 0) {
                    outageStarted = System.nanoTime();
                }
                if (sink.isTransient(e) && System.nanoTime() - outageStarted < MAX_OUTAGE.toNanos()) {
                    // The sink's outage, not the envelope's fault: wait it out, count no delivery.
                    log.warn(
                            "Applying {} {} (task {}) waits for the sink: {}",
                            envelope.type(),
                            envelope.eventId(),
                            envelope.taskId(),
                            Redelivery.describe(e));
                    if (!redelivery.pause(++outages)) {
                        return;
                    }
                    continue;
                }
                outages = 0;
                lastError = Redelivery.describe(e);
                log.warn(
                        "Applying {} {} (task {}), delivery {}, failed: {}",
                        envelope.type(),
                        envelope.eventId(),
                        envelope.taskId(),
                        delivery,
                        lastError);
                if (delivery >= props.maxDeliveries()) {
                    delivery++; // the limit is reached: dead-letter now, without another pause
                    continue;
                }
                if (!redelivery.retry(entry.getId(), delivery)) {
                    return;
                }
                delivery = redelivery.deliveries(entry.getId());
                continue;
            }
            redis.xack(subscription.stream(), subscription.group(), entry.getId());
            metrics.completed.increment();
            return;
        }
    }

    private void deadLetter(StreamMessage<String, String> entry, Envelope envelope, long deliveries, String reason) {
        redis.eval(
                StreamScripts.SINK_DEAD_LETTER,
                ScriptOutputType.INTEGER,
                new String[] {subscription.deadLetters(), subscription.stream()},
                EnvelopeCodec.mapper().writeValueAsString(entry.getBody()),
                reason,
                String.valueOf(deliveries),
                consumer.getName(),
                subscription.group(),
                entry.getId(),
                String.valueOf(props.resultsMaxLength()));
        metrics.deadLettered.increment();
        log.error(
                "Entry {} of {} dead-lettered after {} deliveries: {}",
                entry.getId(),
                subscription.stream(),
                deliveries,
                reason);
        if (envelope != null) {
            try {
                sink.deadLettered(envelope, reason);
            } catch (RuntimeException e) {
                log.warn("The sink could not record dead letter {}: {}", envelope.eventId(), e.getMessage());
            }
        }
    }
}
