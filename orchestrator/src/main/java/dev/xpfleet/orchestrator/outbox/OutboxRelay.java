package dev.xpfleet.orchestrator.outbox;

import dev.xpfleet.common.consumer.TraceContinuation;
import dev.xpfleet.common.retry.Backoff;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MalformedEnvelopeException;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.orchestrator.support.BackgroundLoop;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Publishes outbox rows to Redis Streams. Every replica runs one; only the one holding the
 * PostgreSQL advisory lock publishes (see docs/adr/0003), the others stand by and take over when
 * its session ends. Rows go out in id order, and a row waits while an earlier row of its task is
 * unpublished, so each task's messages keep their order. A row is marked only after its XADD
 * succeeded; a crash in between republishes it and consumers drop the duplicate by event id.
 */
public final class OutboxRelay extends BackgroundLoop {

    /** "fleetobx" as a number: the advisory lock every relay competes for. */
    static final long LOCK_KEY = 0x666C6565746F6278L;

    /** Notified by a trigger when outbox rows are inserted (V7__outbox_notify.sql). */
    static final String CHANNEL = "fleet_outbox";

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private static final String NEXT_BATCH = """
            SELECT o.id, o.task_id, o.role, o.envelope, o.attempts, o.created_at FROM outbox_events o
             WHERE o.status = 'PENDING' AND o.next_attempt_at <= now()
               AND NOT EXISTS (SELECT 1 FROM outbox_events e
                                WHERE e.task_id = o.task_id AND e.status <> 'PUBLISHED' AND e.id < o.id)
             ORDER BY o.id
             LIMIT :batch
            """;

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final RedisURI redisUri;
    private final StreamNames names;
    private final OutboxProperties props;
    private final Counter published;
    private final Counter failed;
    private final Timer lag;
    private final TraceContinuation tracing;

    private volatile boolean leader;
    private Connection lockConnection;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;

    public OutboxRelay(
            DataSource dataSource,
            RedisURI redisUri,
            StreamNames names,
            OutboxProperties props,
            MeterRegistry meters,
            TraceContinuation tracing) {
        super("outbox-relay");
        this.tracing = tracing;
        this.dataSource = dataSource;
        this.jdbc = JdbcClient.create(dataSource);
        this.redisUri = redisUri;
        this.names = names;
        this.props = props;
        this.published = Counter.builder("fleet.outbox.published").register(meters);
        this.failed = Counter.builder("fleet.outbox.publish.failed").register(meters);
        this.lag = Timer.builder("fleet.outbox.lag")
                // now() would be the transaction's start; the insert's own clock is the last thing
                // its transaction does, so this runs from (about) the commit to the XADD.
                .description("from the outbox row's insert (the last statement before its commit) to its XADD")
                .publishPercentileHistogram()
                .register(meters);
        Gauge.builder("fleet.outbox.relay.active", this, r -> r.leader ? 1 : 0).register(meters);
    }

    @Override
    protected void beforeStart() {
        redisClient = RedisClient.create();
        // While Redis is away, fail the XADD at once (the row stays PENDING and is retried) instead
        // of queueing it in the client, where it could be sent late, after the row was retried.
        redisClient.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
    }

    @Override
    protected void afterStop() {
        releaseLeadership();
        closeRedis();
        redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** Whether this replica is the one publishing. */
    public boolean isLeader() {
        return leader;
    }

    @Override
    protected void loop() {
        while (isRunning()) {
            try {
                if (!leader && !tryLead()) {
                    if (!pause(props.standbyInterval())) {
                        return;
                    }
                    continue;
                }
                if (publishBatch() == 0) {
                    awaitNewRows();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                log.warn("Outbox relay round failed: {}", e.getMessage());
                if (!lockAlive()) {
                    releaseLeadership();
                }
                if (!pause(props.retryBackoff())) {
                    return;
                }
            }
        }
    }

    private boolean tryLead() throws SQLException {
        Connection connection = dataSource.getConnection();
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, LOCK_KEY);
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    try (PreparedStatement listen = connection.prepareStatement("LISTEN " + CHANNEL)) {
                        listen.execute();
                    }
                    lockConnection = connection;
                    leader = true;
                    log.info("This replica is now the active outbox relay");
                    return true;
                }
            }
        }
        connection.close();
        return false;
    }

    /**
     * Waits until a committed insert notifies the channel, or at most the poll interval (which
     * also catches rows whose retry time came, and rows unblocked by an operator).
     */
    private void awaitNewRows() throws SQLException, InterruptedException {
        PGConnection pg = lockConnection.unwrap(PGConnection.class);
        PGNotification[] notifications =
                pg.getNotifications((int) Math.max(1, props.pollInterval().toMillis()));
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (notifications != null && notifications.length > 0) {
            log.trace("Woken by {} notification(s)", notifications.length);
        }
    }

    /**
     * Publishes one batch.
     *
     * @return how many rows were handled
     */
    int publishBatch() throws SQLException {
        if (!lockAlive()) {
            releaseLeadership();
            return 0;
        }
        List<Row> rows = jdbc.sql(NEXT_BATCH)
                .param("batch", props.batchSize())
                .query(OutboxRelay::row)
                .list();
        if (rows.isEmpty()) {
            return 0;
        }
        List<Long> done = new ArrayList<>();
        Set<UUID> stalledTasks = new HashSet<>();
        try {
            for (Row row : rows) {
                if (stalledTasks.contains(row.taskId())) {
                    continue;
                }
                try {
                    publish(row);
                    done.add(row.id());
                    lag.record(Duration.between(row.createdAt().toInstant(), java.time.Instant.now()));
                } catch (RedisCommandExecutionException | MalformedEnvelopeException | IllegalArgumentException e) {
                    // Redis refused this entry, or the row itself is unreadable (or names no role): count it against
                    // the row (it ends BLOCKED), keep the task's order, let other tasks flow.
                    stalledTasks.add(row.taskId());
                    recordFailure(row, e.getMessage());
                }
            }
        } finally {
            // Rows already in the stream are marked even when Redis went away mid-batch.
            markPublished(done);
        }
        return rows.size();
    }

    /**
     * XADDs the row's message in a span of its task's trace; the entry carries that span as its
     * parent, so the agent's step follows the relay in the trace.
     */
    private void publish(Row row) {
        Envelope envelope = EnvelopeCodec.fromJson(row.envelope());
        String stream = names.tasks(AgentRole.fromKey(row.role()));
        try (TraceContinuation.Traced relayed =
                tracing.resume(envelope.traceparent(), "outbox-relay " + envelope.type())) {
            try {
                redis().sync()
                        .xadd(
                                stream,
                                XAddArgs.Builder.maxlen(props.streamMaxLength()).approximateTrimming(),
                                EnvelopeCodec.toFields(envelope.withTraceparent(relayed.traceparent())));
            } catch (RuntimeException e) {
                relayed.error(e);
                throw e;
            }
        }
    }

    private void markPublished(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE outbox_events SET status = 'PUBLISHED', published_at = now() WHERE id IN (:ids)")
                .param("ids", ids)
                .update();
        published.increment(ids.size());
    }

    private void recordFailure(Row row, String error) {
        int attempts = row.attempts() + 1;
        Duration pause = new Backoff(props.retryBackoff(), props.retryBackoffMax()).after(attempts);
        boolean blocked = attempts >= props.maxAttempts();
        jdbc.sql("""
                        UPDATE outbox_events
                           SET attempts = :attempts, last_error = :error, status = :status,
                               next_attempt_at = now() + make_interval(secs => :pause)
                         WHERE id = :id
                        """)
                .param("attempts", attempts)
                .param("error", error)
                .param("status", blocked ? "BLOCKED" : "PENDING")
                .param("pause", pause.toMillis() / 1000.0)
                .param("id", row.id())
                .update();
        failed.increment();
        if (blocked) {
            log.error("Outbox row {} (task {}) BLOCKED after {} attempts: {}", row.id(), row.taskId(), attempts, error);
        } else {
            log.warn("Outbox row {} (task {}) failed attempt {}: {}", row.id(), row.taskId(), attempts, error);
        }
    }

    private StatefulRedisConnection<String, String> redis() {
        if (redis == null || !redis.isOpen()) {
            redis = redisClient.connect(redisUri);
        }
        return redis;
    }

    private boolean lockAlive() {
        if (lockConnection == null) {
            return false;
        }
        try {
            return lockConnection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private void releaseLeadership() {
        if (leader) {
            log.info("This replica stopped being the active outbox relay");
        }
        leader = false;
        if (lockConnection != null) {
            try {
                // Closing the session releases the advisory lock (the pool may keep the physical
                // connection, so unlock explicitly first).
                try (PreparedStatement s = lockConnection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
                    s.execute();
                }
                try (PreparedStatement s = lockConnection.prepareStatement("UNLISTEN *")) {
                    s.execute();
                }
                lockConnection.close();
            } catch (SQLException e) {
                log.debug("Closing the relay's lock connection: {}", e.getMessage());
            }
            lockConnection = null;
        }
    }

    private void closeRedis() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    /** Maps by column name directly (the record mapper would try camelCase names first, per row). */
    private static Row row(ResultSet rs, int rowNum) throws SQLException {
        return new Row(
                rs.getLong("id"),
                rs.getObject("task_id", UUID.class),
                rs.getString("role"),
                rs.getString("envelope"),
                rs.getInt("attempts"),
                rs.getObject("created_at", OffsetDateTime.class));
    }

    record Row(long id, UUID taskId, String role, String envelope, int attempts, OffsetDateTime createdAt) {}
}
