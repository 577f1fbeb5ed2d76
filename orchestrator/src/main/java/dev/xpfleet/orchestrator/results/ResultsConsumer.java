package dev.xpfleet.orchestrator.results;

import dev.xpfleet.common.consumer.TraceContinuation;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MalformedEnvelopeException;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.orchestrator.support.BackgroundLoop;
import dev.xpfleet.orchestrator.task.TaskChangeException;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the results stream in the {@code orchestrator} group, one consumer per replica. Each result
 * is applied in one transaction and acknowledged after the commit, so a replica that dies leaves it
 * pending for another to reclaim; a result that cannot be read, or fails {@code max-deliveries}
 * times, goes to the dead-letter stream and its task shows it.
 */
public final class ResultsConsumer extends BackgroundLoop {

    static final String GROUP = "orchestrator";

    private static final Logger log = LoggerFactory.getLogger(ResultsConsumer.class);

    /** KEYS: dead-letter stream, results stream. ARGV: entry id, reason, deliveries, original, group. */
    private static final String DEAD_LETTER = """
            redis.call('XADD', KEYS[1], 'MAXLEN', '~', 100000, '*', 'entry_id', ARGV[1], 'reason', ARGV[2],
                       'deliveries', ARGV[3], 'original', ARGV[4])
            return redis.call('XACK', KEYS[2], ARGV[5], ARGV[1])
            """;

    private final RedisURI uri;
    private final String stream;
    private final String deadLetters;
    private final ResultsProperties props;
    private final ResultApplier applier;
    private final TraceContinuation tracing;
    private final Consumer<String> consumer;
    private final Counter applied;
    private final Counter duplicates;
    private final Counter deadLettered;
    private final Timer lag;

    private RedisClient client;

    /** @param tracing continues each result's trace while it is applied */
    public ResultsConsumer(
            RedisURI uri,
            StreamNames names,
            ResultsProperties props,
            ResultApplier applier,
            MeterRegistry meters,
            TraceContinuation tracing) {
        super("results-consumer");
        this.tracing = tracing;
        this.uri = uri;
        this.stream = names.results();
        this.deadLetters = names.prefix() + "dlq:results";
        this.props = props;
        this.applier = applier;
        this.consumer = Consumer.from(GROUP, props.instanceId());
        this.applied = Counter.builder("fleet.results.applied").register(meters);
        this.duplicates = Counter.builder("fleet.results.duplicates").register(meters);
        this.deadLettered = Counter.builder("fleet.results.dead.lettered").register(meters);
        this.lag = Timer.builder("fleet.results.lag")
                .description("from an agent writing a result to the orchestrator applying it")
                .publishPercentileHistogram()
                .register(meters);
    }

    @Override
    protected void beforeStart() {
        client = RedisClient.create();
    }

    @Override
    protected void afterStop() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @SuppressWarnings("unchecked") // Lettuce takes the generic StreamOffset as varargs
    @Override
    protected void loop() {
        Duration backoff = Duration.ofMillis(200);
        StatefulRedisConnection<String, String> connection = null;
        String ownCursor = "0";
        long nextReclaim = 0;
        while (isRunning()) {
            try {
                if (connection == null || !connection.isOpen()) {
                    connection = client.connect(RedisURI.builder(uri)
                            .withTimeout(props.readBlock().plusSeconds(5))
                            .build());
                    ensureGroup(connection.sync());
                }
                RedisCommands<String, String> redis = connection.sync();
                if (ownCursor != null) {
                    List<StreamMessage<String, String>> own = redis.xreadgroup(
                            consumer,
                            XReadArgs.Builder.count(props.batchSize()),
                            XReadArgs.StreamOffset.from(stream, ownCursor));
                    own.forEach(entry -> process(redis, entry));
                    ownCursor = own.size() < props.batchSize()
                            ? null
                            : own.getLast().getId();
                }
                if (System.currentTimeMillis() >= nextReclaim) {
                    nextReclaim =
                            System.currentTimeMillis() + props.reclaimIdle().toMillis() / 2;
                    redis.xautoclaim(
                                    stream,
                                    XAutoClaimArgs.Builder.xautoclaim(consumer, props.reclaimIdle(), "0-0")
                                            .count(props.batchSize()))
                            .getMessages()
                            .forEach(entry -> process(redis, entry));
                }
                redis.xreadgroup(
                                consumer,
                                XReadArgs.Builder.count(props.batchSize()).block(props.readBlock()),
                                XReadArgs.StreamOffset.lastConsumed(stream))
                        .forEach(entry -> process(redis, entry));
                backoff = Duration.ofMillis(200);
            } catch (RuntimeException e) {
                if (!isRunning()) {
                    return;
                }
                if (e.getMessage() != null && e.getMessage().contains("NOGROUP") && connection != null) {
                    connection.close();
                    connection = null;
                }
                log.warn("Reading {} failed: {}; retrying in {} ms", stream, e.getMessage(), backoff.toMillis());
                if (!pause(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                        ? Duration.ofSeconds(10)
                        : backoff.multipliedBy(2);
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    private void ensureGroup(RedisCommands<String, String> redis) {
        try {
            redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // BUSYGROUP: it exists already.
        }
    }

    private void process(RedisCommands<String, String> redis, StreamMessage<String, String> entry) {
        if (entry.getBody() == null || entry.getBody().isEmpty()) {
            redis.xack(stream, GROUP, entry.getId());
            return;
        }
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.fromFields(entry.getBody());
            if (!"agent.result".equals(envelope.type())) {
                throw new MalformedEnvelopeException("not a result: " + envelope.type());
            }
        } catch (MalformedEnvelopeException e) {
            deadLetter(redis, entry, null, e.getMessage());
            return;
        }
        // One span for the result, its retries included, continuing the agent's trace.
        try (TraceContinuation.Traced traced = tracing.start(envelope, "orchestrator")) {
            apply(redis, entry, envelope, traced);
        }
    }

    private void apply(
            RedisCommands<String, String> redis,
            StreamMessage<String, String> entry,
            Envelope envelope,
            TraceContinuation.Traced traced) {
        for (int attempt = 1; ; attempt++) {
            try {
                boolean fresh = applier.apply(envelope, stream);
                (fresh ? applied : duplicates).increment();
                if (fresh) {
                    lag.record(Duration.between(envelope.createdAt(), Instant.now()));
                }
                redis.xack(stream, GROUP, entry.getId());
                return;
            } catch (TaskChangeException.StaleVersion e) {
                // Another replica moved the task meanwhile: the rolled-back transaction is retried.
                if (attempt >= 3) {
                    traced.error(e);
                    return;
                }
            } catch (RuntimeException e) {
                traced.error(e);
                long deliveries = deliveries(redis, entry.getId());
                log.warn(
                        "Applying result {} (task {}) failed, delivery {}: {}",
                        envelope.eventId(),
                        envelope.taskId(),
                        deliveries,
                        e.getMessage());
                if (deliveries >= props.maxDeliveries()) {
                    deadLetter(
                            redis, entry, envelope, "failed %d times, last: %s".formatted(deliveries, e.getMessage()));
                }
                // Otherwise it stays pending and is reclaimed after reclaim-idle.
                return;
            }
        }
    }

    private long deliveries(RedisCommands<String, String> redis, String id) {
        List<io.lettuce.core.models.stream.PendingMessage> pending =
                redis.xpending(stream, GROUP, Range.create(id, id), Limit.from(1));
        return pending.isEmpty() ? 1 : pending.get(0).getRedeliveryCount();
    }

    private void deadLetter(
            RedisCommands<String, String> redis,
            StreamMessage<String, String> entry,
            Envelope envelope,
            String reason) {
        redis.eval(
                DEAD_LETTER,
                ScriptOutputType.INTEGER,
                new String[] {deadLetters, stream},
                entry.getId(),
                reason,
                String.valueOf(deliveries(redis, entry.getId())),
                EnvelopeCodec.mapper().writeValueAsString(entry.getBody()),
                GROUP);
        deadLettered.increment();
        log.error("Result {} dead-lettered: {}", entry.getId(), reason);
        if (envelope != null) {
            try {
                applier.recordDeadLetter(envelope.taskId(), reason);
            } catch (RuntimeException e) {
                log.warn("Could not record the dead letter on task {}: {}", envelope.taskId(), e.getMessage());
            }
        }
    }
}
