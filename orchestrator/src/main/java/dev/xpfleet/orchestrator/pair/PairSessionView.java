package dev.xpfleet.orchestrator.pair;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task's pair sessions as people read them: each iteration with its branch, its snapshot and
 * every turn (the coordinator's decisions, the driver's proposal, the navigators' verdicts), each
 * agent's turn with the archived model exchanges it made (secrets redacted, in the artifact store):
 * the prompts that led to each proposal and verdict.
 */
@Component
class PairSessionView {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    PairSessionView(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The task's sessions, newest first; empty for a task that never paired. */
    List<Map<String, Object>> of(UUID task) {
        List<Map<String, Object>> sessions = new ArrayList<>();
        jdbc.sql("""
                        SELECT session_id, fence, waiting_message->>'type' AS waiting, created_at
                          FROM pair_sessions WHERE task_id = :t ORDER BY created_at DESC, session_id DESC
                        """).param("t", task).query(rs -> {
            Map<String, Object> session = new LinkedHashMap<>();
            UUID id = rs.getObject("session_id", UUID.class);
            session.put("session", id);
            session.put("fence", rs.getLong("fence"));
            session.put("waitingOn", rs.getString("waiting"));
            session.put("startedAt", rs.getTimestamp("created_at").toInstant());
            sessions.add(session);
        });
        for (Map<String, Object> session : sessions) {
            session.put("iterations", iterations(task, (UUID) session.get("session")));
        }
        return sessions;
    }

    /**
     * Each turn's model exchanges are the calls of its role between the session's turn before and
     * its own result: a session runs one turn at a time.
     */
    private List<Map<String, Object>> iterations(UUID task, UUID session) {
        Map<Integer, Map<String, Object>> byIteration = new java.util.TreeMap<>();
        jdbc.sql("""
                        WITH turns AS (
                          SELECT id, iter, role, input_type, outcome, reason, created_at,
                                 COALESCE(output->>'action', output->>'verdict', output->>'decision',
                                          output->>'status', '') AS said,
                                 output->>'patch' IS NOT NULL AND output->>'snapshotSkipped' IS NULL AS snapshot,
                                 LAG(created_at) OVER (ORDER BY id) AS after
                            FROM agent_logs WHERE session_id = :s)
                        SELECT t.*, p.branch,
                               (SELECT COALESCE(json_agg(m.archive_key ORDER BY m.id), '[]')::text FROM model_calls m
                                 WHERE m.task_id = :t AND m.role = t.role AND m.archive_key IS NOT NULL
                                   AND m.created_at <= t.created_at AND (t.after IS NULL OR m.created_at > t.after))
                                 AS exchanges
                          FROM turns t
                          LEFT JOIN forge_pushes p ON p.task_id = :t AND p.iteration = t.iter
                                                  AND t.input_type = 'dev.implement'
                         ORDER BY t.id
                        """).param("s", session).param("t", task).query(rs -> {
            int n = rs.getInt("iter");
            Map<String, Object> iteration = byIteration.computeIfAbsent(n, k -> {
                Map<String, Object> it = new LinkedHashMap<>();
                it.put("iteration", k);
                it.put("turns", new ArrayList<Map<String, Object>>());
                return it;
            });
            if (rs.getString("branch") != null) {
                iteration.put("branch", rs.getString("branch"));
            }
            if (rs.getBoolean("snapshot")) {
                iteration.put("snapshot", "pair_session/" + session + "/iter_" + n + ".tar.gz");
            }
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", rs.getString("role"));
            turn.put("step", rs.getString("input_type"));
            turn.put("outcome", rs.getString("outcome"));
            turn.put("said", rs.getString("said"));
            if (rs.getString("reason") != null) {
                turn.put("reason", rs.getString("reason"));
            }
            turn.put("at", rs.getTimestamp("created_at").toInstant());
            turn.put("exchanges", JSON.readValue(rs.getString("exchanges"), List.class));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> turns = (List<Map<String, Object>>) iteration.get("turns");
            turns.add(turn);
        });
        return new ArrayList<>(byIteration.values());
    }
}
