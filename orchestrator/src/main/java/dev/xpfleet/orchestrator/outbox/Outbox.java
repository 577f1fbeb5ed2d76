package dev.xpfleet.orchestrator.outbox;

import dev.xpfleet.common.consumer.TraceContinuation;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Writes and manages outbox rows; {@link #enqueue} joins the caller's transaction. */
@Repository
public class Outbox {

    private final JdbcClient jdbc;
    private final TraceContinuation tracing;

    public Outbox(JdbcClient jdbc, TraceContinuation tracing) {
        this.jdbc = jdbc;
        this.tracing = tracing;
    }

    /**
     * Adds a message for a role, to be published after the caller's transaction commits. A message
     * with no trace yet joins the one running here (the request or result that caused it).
     */
    public void enqueue(AgentRole role, Envelope message) {
        Envelope envelope = message.traceparent() == null ? message.withTraceparent(tracing.current()) : message;
        jdbc.sql("""
                        INSERT INTO outbox_events (task_id, event_id, role, type, envelope, created_at)
                        VALUES (:task, :event, :role, :type, :envelope, clock_timestamp())
                        """)
                .param("task", envelope.taskId())
                .param("event", envelope.eventId())
                .param("role", role.key())
                .param("type", envelope.type())
                .param("envelope", EnvelopeCodec.toJson(envelope))
                .update();
    }

    /** Rows that failed too often, oldest first. */
    public List<BlockedRow> blocked() {
        return jdbc.sql("""
                        SELECT id, task_id, role, type, attempts, last_error, created_at FROM outbox_events
                         WHERE status = 'BLOCKED' ORDER BY id
                        """).query(BlockedRow.class).list();
    }

    /** Puts a blocked row back in line; false when there is no such blocked row. */
    public boolean unblock(long id) {
        return jdbc.sql("""
                                UPDATE outbox_events SET status = 'PENDING', attempts = 0, next_attempt_at = now()
                                 WHERE id = :id AND status = 'BLOCKED'
                                """).param("id", id).update() == 1;
    }

    /**
     * Rows not yet published (blocked ones included), blocked rows, and the age in seconds of the
     * oldest row waiting for the relay (blocked rows excluded: they wait for an operator; 0 when none).
     */
    public Backlog backlog() {
        return jdbc.sql("""
                        SELECT count(*) AS pending,
                               count(*) FILTER (WHERE status = 'BLOCKED') AS blocked,
                               coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'PENDING')), 0)
                                   AS oldest_seconds
                          FROM outbox_events WHERE status <> 'PUBLISHED'
                        """).query(Backlog.class).single();
    }

    public record BlockedRow(
            long id,
            java.util.UUID taskId,
            String role,
            String type,
            int attempts,
            String lastError,
            java.time.OffsetDateTime createdAt) {}

    public record Backlog(long pending, long blocked, double oldestSeconds) {}
}
