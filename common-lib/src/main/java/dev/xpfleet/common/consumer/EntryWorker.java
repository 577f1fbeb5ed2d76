package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MalformedEnvelopeException;
import dev.xpfleet.common.stream.StreamNames;
import io.lettuce.core.Consumer;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;

/** Takes one stream entry from delivery to acknowledgement: the per-entry half of the runtime. */
final class EntryWorker implements EntryProcessor {

    private static final Logger log = LoggerFactory.getLogger(EntryWorker.class);

    private final RedisCommands<String, String> redis;
    private final StreamNames names;
    private final AgentRole role;
    private final String stream;
    private final String group;
    private final Consumer<String> consumer;
    private final ConsumerProperties props;
    private final HandlerRegistry handlers;
    private final ConsumerMetrics metrics;
    private final Redelivery redelivery;
    private final TraceContinuation tracing;

    EntryWorker(
            RedisCommands<String, String> redis,
            StreamNames names,
            AgentRole role,
            ConsumerProperties props,
            HandlerRegistry handlers,
            ConsumerMetrics metrics,
            BooleanSupplier running,
            TraceContinuation tracing) {
        this.redis = redis;
        this.names = names;
        this.role = role;
        this.stream = names.tasks(role);
        this.group = names.group(role);
        this.consumer = Consumer.from(group, props.instanceId());
        this.props = props;
        this.handlers = handlers;
        this.metrics = metrics;
        this.redelivery = new Redelivery(redis, stream, consumer, props, running);
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
            // Redis trouble while finishing: the entry stays pending and is retried or reclaimed.
            metrics.redisError("finish");
            log.warn("Entry {} on {} left pending: {}", entry.getId(), stream, e.getMessage());
        } finally {
            metrics.inFlight.decrementAndGet();
            metrics.processing.record(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private void processTracked(StreamMessage<String, String> entry, long firstDelivery) {
        if (entry.getBody() == null || entry.getBody().isEmpty()) {
            // Deleted or trimmed while pending: nothing left to do or report.
            redis.xack(stream, group, entry.getId());
            return;
        }
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.fromFields(entry.getBody());
        } catch (MalformedEnvelopeException e) {
            deadLetter(entry, null, firstDelivery, e.getMessage());
            return;
        }
        String doneKey = names.done(group, envelope.eventId().toString());
        if (redis.exists(doneKey) > 0) {
            metrics.duplicates.increment();
            redis.xack(stream, group, entry.getId());
            return;
        }
        try (TraceContinuation.Traced traced = tracing.start(envelope, role.key())) {
            runHandler(entry, envelope, doneKey, firstDelivery, traced);
        }
    }

    private void runHandler(
            StreamMessage<String, String> entry,
            Envelope envelope,
            String doneKey,
            long firstDelivery,
            TraceContinuation.Traced traced) {
        long delivery = firstDelivery;
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
            HandlerResult result;
            try {
                HandlerContext context = new HandlerContext(
                        envelope.eventId().toString(), role, consumer.getName(), delivery, traced.traceparent());
                result = handlers.handle(envelope, context);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                traced.error(e);
                lastError = Redelivery.describe(e);
                metrics.retried.increment();
                log.warn(
                        "Handler for {} (task {}, delivery {}) failed: {}",
                        envelope.type(),
                        envelope.taskId(),
                        delivery,
                        Redelivery.describe(e));
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
            // Outside the handler's try: a Redis error here leaves the entry pending (the result is
            // published by whoever completes it) instead of re-running a handler that succeeded.
            complete(entry, envelope, doneKey, delivery, result, traced.traceparent());
            return;
        }
    }

    private void complete(
            StreamMessage<String, String> entry,
            Envelope input,
            String doneKey,
            long delivery,
            HandlerResult result,
            String traceparent) {
        AgentResult report = switch (result) {
            case HandlerResult.Completed completed ->
                new AgentResult(
                        role.key(),
                        input.eventId(),
                        input.type(),
                        AgentResult.Outcome.COMPLETED,
                        null,
                        delivery,
                        consumer.getName(),
                        completed.output());
            case HandlerResult.Failed failed ->
                new AgentResult(
                        role.key(),
                        input.eventId(),
                        input.type(),
                        AgentResult.Outcome.FAILED,
                        failed.reason(),
                        delivery,
                        consumer.getName(),
                        failed.output());
        };
        Envelope envelope = report.toEnvelope(input, traceparent);
        redis.eval(
                StreamScripts.COMPLETE,
                ScriptOutputType.INTEGER,
                new String[] {names.results(), doneKey, stream},
                EnvelopeCodec.toJson(envelope),
                envelope.type(),
                envelope.taskId().toString(),
                String.valueOf(props.dedupeTtl().toSeconds()),
                group,
                entry.getId(),
                String.valueOf(props.resultsMaxLength()));
        (report.outcome() == AgentResult.Outcome.COMPLETED ? metrics.completed : metrics.failed).increment();
    }

    private void deadLetter(StreamMessage<String, String> entry, Envelope input, long deliveries, String reason) {
        String resultJson = "";
        String type = "";
        String task = "";
        String doneKey = names.done(group, "unreadable");
        if (input != null) {
            AgentResult report = new AgentResult(
                    role.key(),
                    input.eventId(),
                    input.type(),
                    AgentResult.Outcome.DEAD_LETTERED,
                    reason,
                    deliveries,
                    consumer.getName(),
                    JsonNodeFactory.instance.objectNode());
            Envelope envelope = report.toEnvelope(input);
            resultJson = EnvelopeCodec.toJson(envelope);
            type = envelope.type();
            task = envelope.taskId().toString();
            doneKey = names.done(group, input.eventId().toString());
        }
        redis.eval(
                StreamScripts.DEAD_LETTER,
                ScriptOutputType.INTEGER,
                new String[] {names.deadLetter(role), names.results(), doneKey, stream},
                EnvelopeCodec.mapper().writeValueAsString(entry.getBody()),
                reason,
                String.valueOf(deliveries),
                consumer.getName(),
                resultJson,
                type,
                task,
                String.valueOf(props.dedupeTtl().toSeconds()),
                group,
                entry.getId(),
                String.valueOf(props.resultsMaxLength()));
        metrics.deadLettered.increment();
        log.error("Entry {} of {} dead-lettered after {} deliveries: {}", entry.getId(), stream, deliveries, reason);
    }
}
