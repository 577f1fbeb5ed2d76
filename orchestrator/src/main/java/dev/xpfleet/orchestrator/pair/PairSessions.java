package dev.xpfleet.orchestrator.pair;

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
     * The next fencing token of a session whose task is still pairing (one more than any before,
     * never reused), or empty when the session is unknown or its task has left PAIRING. Each call
     * supersedes every token handed out before it.
     */
    public Optional<Fence> next(UUID session) {
        return jdbc.sql("""
                        UPDATE pair_sessions p SET fence = p.fence + 1, fenced_at = now()
                          FROM tasks t
                         WHERE p.session_id = :s AND t.id = p.task_id AND t.state = 'PAIRING'
                        RETURNING p.task_id, p.fence
                        """)
                .param("s", session)
                .query((rs, i) -> new Fence(session, rs.getObject("task_id", UUID.class), rs.getLong("fence")))
                .optional();
    }

    /** The state of the session's task, or empty for an unknown session. */
    Optional<String> taskState(UUID session) {
        return jdbc.sql("""
                        SELECT t.state FROM pair_sessions p JOIN tasks t ON t.id = p.task_id WHERE p.session_id = :s
                        """).param("s", session).query(String.class).optional();
    }

    /** The session's current token, or empty for an unknown session. */
    public Optional<Long> current(UUID session) {
        return jdbc.sql("SELECT fence FROM pair_sessions WHERE session_id = :s")
                .param("s", session)
                .query(Long.class)
                .optional();
    }

    /** A token handed to the coordinator that took the session's lock. */
    public record Fence(UUID session, UUID task, long fence) {}
}
