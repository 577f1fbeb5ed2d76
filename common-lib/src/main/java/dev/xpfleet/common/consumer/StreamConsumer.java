package dev.xpfleet.common.consumer;

import dev.xpfleet.common.retry.Backoff;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.StreamNames;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one stream in a consumer group: an agent role's task stream (each entry to a
 * {@link MessageHandler}, its outcome to the results stream) or, as a {@link #sink}, the results
 * stream the orchestrator applies. One platform thread reads (own pending entries first, then new
 * ones, never more than there are free handler slots) and periodically reclaims entries of dead
 * consumers; each entry runs on a virtual thread through {@link EntryWorker}. No exception stops the
 * loop: it logs, backs off and tries again, recreating the group if Redis lost it.
 */
public final class StreamConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);

    /**
     * What a consumer reads: {@code stream} in {@code group}, moving what it cannot handle to
     * {@code deadLetters}; {@code name} tags its metrics (as {@code role}) and names its threads.
     */
    public record Subscription(String name, String stream, String group, String deadLetters) {

        /** A role's task stream, as the agents consume it. */
        public static Subscription of(StreamNames names, AgentRole role) {
            return new Subscription(role.key(), names.tasks(role), names.group(role), names.deadLetter(role));
        }
    }

    private final RedisURI uri;
    private final Subscription subscription;
    private final ConsumerProperties props;
    private final EntryProcessor.Factory processors;
    private final ConsumerMetrics metrics;
    private final String stream;
    private final String group;
    private final Consumer<String> consumer;
    private final Semaphore slots;

    private volatile boolean running;
    private RedisClient client;
    private StatefulRedisConnection<String, String> readConnection;
    private StatefulRedisConnection<String, String> commandConnection;
    private ExecutorService handlerThreads;
    private ScheduledExecutorService heartbeatThread;
    private Thread readThread;
    private EntryProcessor worker;
    private Heartbeat heartbeat;
    /** Where the next read of this consumer's own pending entries starts; "0" = from the beginning. */
    private String ownCursor = "0";

    public StreamConsumer(
            RedisURI uri,
            StreamNames names,
            AgentRole role,
            ConsumerProperties props,
            HandlerRegistry handlers,
            MeterRegistry meterRegistry) {
        this(uri, names, role, props, handlers, meterRegistry, TraceContinuation.NONE);
    }

    /** An agent's consumer: each entry goes to its handler and the outcome to the results stream. */
    public StreamConsumer(
            RedisURI uri,
            StreamNames names,
            AgentRole role,
            ConsumerProperties props,
            HandlerRegistry handlers,
            MeterRegistry meterRegistry,
            TraceContinuation tracing) {
        this(
                uri,
                Subscription.of(names, role),
                props,
                meterRegistry,
                (redis, metrics, running) ->
                        new EntryWorker(redis, names, role, props, handlers, metrics, running, tracing));
    }

    /**
     * A consumer at the end of a stream: each envelope is applied by {@code sink} and acknowledged
     * after it returns; the orchestrator reads the agents' results this way.
     */
    public static StreamConsumer sink(
            RedisURI uri,
            Subscription subscription,
            ConsumerProperties props,
            EnvelopeSink sink,
            MeterRegistry meterRegistry,
            TraceContinuation tracing) {
        return new StreamConsumer(
                uri,
                subscription,
                props,
                meterRegistry,
                (redis, metrics, running) ->
                        new SinkWorker(redis, subscription, props, sink, metrics, running, tracing));
    }

    private StreamConsumer(
            RedisURI uri,
            Subscription subscription,
            ConsumerProperties props,
            MeterRegistry meterRegistry,
            EntryProcessor.Factory processors) {
        this.uri = uri;
        this.subscription = subscription;
        this.props = props;
        this.processors = processors;
        this.metrics = new ConsumerMetrics(meterRegistry, subscription.name());
        this.stream = subscription.stream();
        this.group = subscription.group();
        this.consumer = Consumer.from(group, props.instanceId());
        this.slots = new Semaphore(props.concurrency());
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        RedisURI readUri = RedisURI.builder(uri)
                .withTimeout(props.readBlock().plus(uri.getTimeout()))
                .build();
        client = RedisClient.create();
        try {
            readConnection = client.connect(readUri);
            commandConnection = client.connect(uri);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        RedisCommands<String, String> commands = commandConnection.sync();
        heartbeat = new Heartbeat(commands, stream, group, consumer.getName(), () -> metrics.redisError("heartbeat"));
        running = true;
        worker = processors.create(commands, metrics, () -> running);
        handlerThreads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(subscription.name() + "-handler-", 0).factory());
        heartbeatThread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name(subscription.name() + "-heartbeat")
                .daemon()
                .factory());
        long beat = props.heartbeatInterval().toMillis();
        heartbeatThread.scheduleWithFixedDelay(heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        readThread = Thread.ofPlatform().name(subscription.name() + "-consumer").start(this::loop);
        log.info("Consuming {} as {} in group {} ({} at once)", stream, consumer.getName(), group, props.concurrency());
    }

    /**
     * Stops reading, lets running handlers finish within the grace period, and leaves unfinished
     * entries pending so another consumer takes them over.
     */
    @Override
    public synchronized void close() {
        if (client == null) {
            return;
        }
        running = false;
        try {
            // Wakes the reader from a backoff pause or a blocked read; whatever it just read stays
            // pending for this consumer's next start or for another consumer's reclaim.
            readThread.interrupt();
            readThread.join(props.readBlock().plusSeconds(10).toMillis());
            handlerThreads.shutdown();
            if (!handlerThreads.awaitTermination(props.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(
                        "Handlers of {} still running after {}; their entries stay pending for others",
                        stream,
                        props.shutdownGrace());
                handlerThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handlerThreads.shutdownNow();
        } finally {
            heartbeatThread.shutdownNow();
            release();
        }
    }

    private void release() {
        if (readConnection != null) {
            readConnection.close();
        }
        if (commandConnection != null) {
            commandConnection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        client = null;
    }

    public boolean isRunning() {
        return running;
    }

    private void loop() {
        boolean groupReady = false;
        boolean ownPendingDone = false;
        long nextReclaim = 0;
        Backoff backoff = new Backoff(props.retryBackoff(), props.retryBackoffMax());
        long failures = 0;
        RedisCommands<String, String> read = readConnection.sync();
        String step = "group";
        while (running) {
            try {
                if (!groupReady) {
                    step = "group";
                    ensureGroup(read);
                    groupReady = true;
                }
                if (!ownPendingDone) {
                    step = "own-pending";
                    ownPendingDone = readOwnPending(read);
                }
                if (System.currentTimeMillis() >= nextReclaim) {
                    step = "reclaim";
                    reclaim(read);
                    updateBacklogGauges(read);
                    nextReclaim =
                            System.currentTimeMillis() + props.reclaimInterval().toMillis();
                }
                step = "read";
                readNew(read);
                failures = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                metrics.redisError(step);
                boolean refused = e instanceof RedisCommandExecutionException;
                if (refused && String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
                    groupReady = false;
                }
                // Entries whose result could not be published while Redis was away are pending for
                // this consumer and no longer running: read them again (running ones are skipped).
                ownPendingDone = false;
                ownCursor = "0";
                pause(
                        refused ? "Redis refused a command" : "Reading " + stream + " failed",
                        e,
                        backoff.after(++failures));
            }
        }
    }

    private void ensureGroup(RedisCommands<String, String> read) {
        try {
            // From the start of the stream: work queued before any agent ever ran is not skipped.
            read.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), group, XGroupCreateArgs.Builder.mkstream());
            log.info("Created consumer group {} on {}", group, stream);
        } catch (RedisBusyException e) {
            // BUSYGROUP: it exists already.
        }
    }

    /**
     * After a restart under the same name (or a lost connection): this consumer's own pending
     * entries come first, listed page by page from {@link #ownCursor} with XPENDING (which counts no
     * delivery), and only those not running in this process are claimed (XCLAIM counts the new
     * delivery). Claiming needs at least the idle time the listing saw, so an entry another
     * consumer took over meanwhile stays with it. Returns true when the pass has reached the end.
     */
    private boolean readOwnPending(RedisCommands<String, String> read) throws InterruptedException {
        int free = acquireFree();
        if (free == 0) {
            return false;
        }
        Range<String> after = "0".equals(ownCursor)
                ? Range.unbounded()
                : Range.from(Range.Boundary.excluding(ownCursor), Range.Boundary.unbounded());
        List<PendingMessage> pending = orRelease(free, () -> read.xpending(stream, consumer, after, Limit.from(free)));
        if (!pending.isEmpty()) {
            ownCursor = pending.getLast().getId();
        }
        List<PendingMessage> idle =
                pending.stream().filter(p -> !heartbeat.isTracked(p.getId())).toList();
        List<StreamMessage<String, String>> entries = List.of();
        if (!idle.isEmpty()) {
            long minIdle = idle.stream()
                    .mapToLong(PendingMessage::getMsSinceLastDelivery)
                    .min()
                    .orElse(0);
            String[] ids = idle.stream().map(PendingMessage::getId).toArray(String[]::new);
            entries = orRelease(
                    free,
                    () -> read.xclaim(
                            stream, consumer, XClaimArgs.Builder.minIdleTime(Duration.ofMillis(minIdle)), ids));
        }
        dispatch(entries, free, 0);
        return pending.size() < free;
    }

    @SuppressWarnings("unchecked") // Lettuce takes the generic StreamOffset as varargs
    private void readNew(RedisCommands<String, String> read) throws InterruptedException {
        int free = acquireFree();
        if (free == 0) {
            return;
        }
        List<StreamMessage<String, String>> entries = orRelease(
                free,
                () -> read.xreadgroup(
                        consumer,
                        XReadArgs.Builder.count(free).block(props.readBlock()),
                        XReadArgs.StreamOffset.lastConsumed(stream)));
        dispatch(entries, free, 1);
    }

    private void reclaim(RedisCommands<String, String> read) throws InterruptedException {
        String cursor = "0-0";
        do {
            int free = acquireFree();
            if (free == 0) {
                return;
            }
            String from = cursor;
            ClaimedMessages<String, String> claimed = orRelease(
                    free,
                    () -> read.xautoclaim(
                            stream,
                            XAutoClaimArgs.Builder.xautoclaim(consumer, props.reclaimIdle(), from)
                                    .count(free)));
            List<StreamMessage<String, String>> entries = claimed.getMessages().stream()
                    .filter(entry -> entry.getBody() != null && !entry.getBody().isEmpty())
                    .toList();
            metrics.reclaimed.increment(entries.size());
            if (!entries.isEmpty()) {
                log.info("Reclaimed {} entries of {} from stalled or dead consumers", entries.size(), stream);
            }
            dispatch(entries, free, 0);
            cursor = claimed.getId();
        } while (running && !"0-0".equals(cursor));
    }

    /**
     * Runs a Redis call that was given {@code free} slots, giving them back if it fails: a slot
     * lost here is a handler that never runs again, and with all of them lost the consumer stalls.
     */
    private <T> T orRelease(int free, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            slots.release(free);
            throw e;
        }
    }

    /**
     * Hands entries to handler threads. An entry already running in this process (read again from
     * the own pending list, or reclaimed from ourselves after a long pause) is skipped: one entry,
     * one handler at a time.
     */
    private void dispatch(List<StreamMessage<String, String>> entries, int acquired, long delivery) {
        int started = 0;
        try {
            for (StreamMessage<String, String> entry : entries) {
                if (!running) {
                    break;
                }
                if (!heartbeat.track(entry.getId())) {
                    log.debug("Entry {} of {} is running here already", entry.getId(), stream);
                    continue;
                }
                try {
                    handlerThreads.execute(() -> {
                        try {
                            worker.process(entry, delivery);
                        } finally {
                            heartbeat.untrack(entry.getId());
                            slots.release();
                        }
                    });
                } catch (RuntimeException | Error e) {
                    heartbeat.untrack(entry.getId());
                    throw e;
                }
                started++;
            }
        } finally {
            slots.release(acquired - started);
        }
    }

    /** Takes every free handler slot, waiting up to one read period for at least one. */
    private int acquireFree() throws InterruptedException {
        if (!slots.tryAcquire(props.readBlock().toMillis(), TimeUnit.MILLISECONDS)) {
            return 0;
        }
        return 1 + slots.drainPermits();
    }

    /** Pending and lag of this group, read with each reclaim round; a failure only leaves them stale. */
    private void updateBacklogGauges(RedisCommands<String, String> read) {
        List<Object> groups;
        try {
            groups = read.xinfoGroups(stream);
        } catch (RuntimeException e) {
            log.debug("Backlog gauges of {} not updated: {}", stream, e.getMessage());
            return;
        }
        for (Object info : groups) {
            if (info instanceof List<?> fields && fields.contains(group)) {
                metrics.pending.set(numberAfter(fields, "pending"));
                metrics.lag.set(numberAfter(fields, "lag"));
            }
        }
    }

    private static long numberAfter(List<?> fields, String name) {
        int at = fields.indexOf(name);
        return at >= 0 && at + 1 < fields.size() && fields.get(at + 1) instanceof Long value ? value : 0;
    }

    private void pause(String what, RuntimeException e, Duration pause) {
        log.warn("{}: {}; retrying in {} ms", what, e.getMessage(), pause.toMillis());
        try {
            Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
