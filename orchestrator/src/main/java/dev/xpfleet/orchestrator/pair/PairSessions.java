package dev.xpfleet.orchestrator.pair;

import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The pair sessions and their fencing tokens; joins the caller's transaction. */
@Repository
public class PairSessions {

    private final JdbcClient jdbc;

    public PairSessions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a new session of a task, with token 0: no coordinator holds it yet. */
    public void open(UUID session, UUID task) {
        jdbc.sql("INSERT INTO pair_sessions (session_id, task_id) VALUES (:s, :t)")
                .param("s", session)
                .param("t", task)
                .update();
    }

    /**
     * The session now waits for the answer to {@code message} (sent to the coordinator or to an
     * agent on its behalf); an answer to anything else is stale.
     */
    public void waitFor(UUID session, Envelope message) {
        jdbc.sql("UPDATE pair_sessions SET waiting_on = :e, waiting_message = CAST(:m AS jsonb) WHERE session_id = :s")
                .param("e", message.eventId())
                .param("m", EnvelopeCodec.toJson(message))
                .param("s", session)
                .update();
    }

    /**
     * Takes the answer to the message the session waits on: true (and the session waits on nothing
     * until the next message) when {@code answered} is that message's event id, false for any other.
     */
    public boolean takeAnswer(UUID session, UUID answered) {
        return jdbc.sql("""
                        UPDATE pair_sessions SET waiting_on = NULL, waiting_message = NULL, restarts = 0
                         WHERE session_id = :s AND waiting_on = :e
                        """).param("s", session).param("e", answered).update() == 1;
    }

    /**
     * Counts one more restart of the turn the session waits on (its message asked for again after a
     * refused answer); the count starts again with each answer taken.
     *
     * @return the restarts of this turn so far, this one included
     */
    public int restarted(UUID session) {
        return jdbc.sql("UPDATE pair_sessions SET restarts = restarts + 1 WHERE session_id = :s RETURNING restarts")
                .param("s", session)
                .query(Integer.class)
                .single();
    }

    /** The message the session waits on an answer to, when it is the one with this event id. */
    public Optional<Envelope> waitingOn(UUID session, UUID eventId) {
        return jdbc.sql("SELECT waiting_message::text FROM pair_sessions WHERE session_id = :s AND waiting_on = :e")
                .param("s", session)
                .param("e", eventId)
                .query(String.class)
                .optional()
                .map(EnvelopeCodec::fromJson);
    }

    /**
     * The next fencing token of a session whose task is still pairing and which is the task's latest
     * session (one more than any before, never reused), or empty when the session is unknown,
     * replaced by a newer one, or its task has left PAIRING. Each call supersedes every token handed
     * out before it.
     */
    public Optional<Fence> next(UUID session) {
        return next(session, null);
    }

    /**
     * The same, only while the session waits on the message {@code answering} (null: whatever it
     * waits on): a coordinator answering a message already answered gets no token, so it cannot
     * supersede the one that holds the session now.
     */
    public Optional<Fence> next(UUID session, UUID answering) {
        return jdbc.sql("""
                        UPDATE pair_sessions p SET fence = p.fence + 1, fenced_at = now()
                          FROM tasks t
                         WHERE p.session_id = :s AND t.id = p.task_id AND t.state = 'PAIRING'
                           AND (CAST(:answering AS uuid) IS NULL OR p.waiting_on = :answering)
                           AND p.session_id = (SELECT l.session_id FROM pair_sessions l WHERE l.task_id = p.task_id
                                                ORDER BY l.created_at DESC, l.session_id DESC LIMIT 1)
                        RETURNING p.task_id, p.fence
                        """)
                .param("s", session)
                .param("answering", answering)
                .query((rs, i) -> new Fence(session, rs.getObject("task_id", UUID.class), rs.getLong("fence")))
                .optional();
    }

    /** Whether this is the task's newest session (a retry of a pair task opens a new one). */
    public boolean isLatest(UUID session, UUID task) {
        return jdbc.sql("""
                        SELECT session_id FROM pair_sessions WHERE task_id = :t
                         ORDER BY created_at DESC, session_id DESC LIMIT 1
                        """)
                .param("t", task)
                .query(UUID.class)
                .optional()
                .filter(session::equals)
                .isPresent();
    }

    /** The state of the session's task, or empty for an unknown session. */
    Optional<String> taskState(UUID session) {
        return jdbc.sql("""
                        SELECT t.state FROM pair_sessions p JOIN tasks t ON t.id = p.task_id WHERE p.session_id = :s
                        """).param("s", session).query(String.class).optional();
    }

    /**
     * The session's current token, or empty for an unknown session. The row stays locked until the
     * caller's transaction ends, so no newer token is handed out while a result checked against
     * this one is applied.
     */
    public Optional<Long> lockCurrent(UUID session) {
        return jdbc.sql("SELECT fence FROM pair_sessions WHERE session_id = :s FOR UPDATE")
                .param("s", session)
                .query(Long.class)
                .optional();
    }

    /** A token handed to the coordinator that took the session's lock. */
    public record Fence(UUID session, UUID task, long fence) {}
}
