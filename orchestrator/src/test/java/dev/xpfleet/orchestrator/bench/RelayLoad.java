package dev.xpfleet.orchestrator.bench;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.TestRedis;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Outbox rows written straight into PostgreSQL (as a state change would) while the replicas'
 * relay publishes them: the lag from commit to XADD, and the fastest the relay drains a backlog.
 */
final class RelayLoad {

    private static final String INSERT =
            "INSERT INTO outbox_events (task_id, event_id, role, type, envelope) VALUES (?, ?, 'dev', ?, ?)";

    private final IsolatedServices services;

    RelayLoad(IsolatedServices services) {
        this.services = services;
    }

    /**
     * Commits one row per transaction at a steady rate from four writers; the lag of each row is
     * its stream entry's time (Redis's clock, milliseconds) minus the writer's clock right after
     * the commit returned, both on this machine.
     *
     * @return lags in nanoseconds, sorted
     */
    long[] lagAt(int perSecond, int seconds) throws Exception {
        String type = "bench.lag." + UUID.randomUUID();
        Map<UUID, Long> committedAt = new ConcurrentHashMap<>();
        int writers = 4;
        int perWriter = perSecond * seconds / writers;
        long interval = TimeUnit.SECONDS.toNanos(1) * writers / perSecond;
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                long offset = interval * w / writers;
                done.add(pool.submit(() -> {
                    try (Connection c = services.openConnection();
                            PreparedStatement insert = c.prepareStatement(INSERT)) {
                        long start = System.nanoTime() + offset;
                        for (int i = 0; i < perWriter; i++) {
                            LockSupport.parkNanos(start + i * interval - System.nanoTime());
                            Envelope envelope = Envelope.create(type, UuidV7.next(), 1, null);
                            bind(insert, envelope);
                            insert.executeUpdate();
                            committedAt.put(envelope.eventId(), System.currentTimeMillis());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        awaitPublished(type, 60);
        long[] lags = new long[committedAt.size()];
        int n = 0;
        for (Map.Entry<UUID, Long> published : streamTimes(type).entrySet()) {
            Long committed = committedAt.get(published.getKey());
            if (committed != null) {
                lags[n++] = TimeUnit.MILLISECONDS.toNanos(Math.max(0, published.getValue() - committed));
            }
        }
        long[] sorted = java.util.Arrays.copyOf(lags, n);
        java.util.Arrays.sort(sorted);
        return sorted;
    }

    /** Commits {@code rows} rows at once and times the relay until the last is marked published. */
    double drainRate(int rows) throws Exception {
        String type = "bench.drain." + UUID.randomUUID();
        long start;
        try (Connection c = services.openConnection();
                PreparedStatement insert = c.prepareStatement(INSERT)) {
            c.setAutoCommit(false);
            for (int i = 0; i < rows; i++) {
                bind(insert, Envelope.create(type, UuidV7.next(), 1, null));
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            c.commit();
            start = System.nanoTime();
        }
        awaitPublished(type, 300);
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    private static void bind(PreparedStatement insert, Envelope envelope) throws SQLException {
        insert.setObject(1, envelope.taskId());
        insert.setObject(2, envelope.eventId());
        insert.setString(3, envelope.type());
        insert.setString(4, EnvelopeCodec.toJson(envelope));
    }

    private void awaitPublished(String type, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (Connection c = services.openConnection();
                PreparedStatement left = c.prepareStatement(
                        "SELECT count(*) FROM outbox_events WHERE type = ? AND status <> 'PUBLISHED'")) {
            left.setString(1, type);
            while (true) {
                try (ResultSet rs = left.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "relay did not publish " + type + " within " + timeoutSeconds + " s");
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
    }

    /** Event id -> the millisecond part of its stream entry id, for entries of this type. */
    private Map<UUID, Long> streamTimes(String type) {
        Map<UUID, Long> times = new java.util.HashMap<>();
        try (TestRedis redis = new TestRedis(services)) {
            String stream = redis.names().tasks(AgentRole.DEV);
            Range<String> range = Range.unbounded();
            while (true) {
                List<StreamMessage<String, String>> page = redis.commands().xrange(stream, range, Limit.from(10_000));
                for (StreamMessage<String, String> entry : page) {
                    if (type.equals(entry.getBody().get("type"))) {
                        Envelope envelope = EnvelopeCodec.fromFields(entry.getBody());
                        long ms = Long.parseLong(
                                entry.getId().substring(0, entry.getId().indexOf('-')));
                        times.putIfAbsent(envelope.eventId(), ms);
                    }
                }
                if (page.size() < 10_000) {
                    return times;
                }
                range = Range.from(Range.Boundary.excluding(page.getLast().getId()), Range.Boundary.unbounded());
            }
        }
    }
}
