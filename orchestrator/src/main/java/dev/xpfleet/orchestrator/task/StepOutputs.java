package dev.xpfleet.orchestrator.task;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the agents reported for a task, as {@code agent_logs} keeps it: the flow hands it on to the
 * next agent and compares iterations with it; the forge step writes the pull request from it.
 */
@Component
public class StepOutputs {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    StepOutputs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The latest completed output of a step in one iteration, or a missing node. */
    public JsonNode of(UUID task, String inputType, int iteration) {
        return of(task, inputType, iteration, null);
    }

    /** The same, only from results since {@code since} (null: any). */
    public JsonNode of(UUID task, String inputType, int iteration, Instant since) {
        return jdbc.sql("""
                        SELECT output::text FROM agent_logs
                         WHERE task_id = :task AND input_type = :type AND outcome = 'COMPLETED' AND iter = :iter
                           AND created_at >= :since
                         ORDER BY id DESC LIMIT 1
                        """)
                .param("task", task)
                .param("type", inputType)
                .param("iter", iteration)
                .param("since", Timestamp.from(since == null ? Instant.EPOCH : since))
                .query(String.class)
                .optional()
                .map(JSON::readTree)
                .orElse(JSON.missingNode());
    }

    /**
     * The latest completed output of a step in an iteration before this one, or a missing node.
     *
     * @param since only results since then (the task's latest start: a retried task is compared
     *     with its own run, not with what made a person retry it); null for all
     */
    public JsonNode before(UUID task, String inputType, int iteration, Instant since) {
        return jdbc.sql("""
                        SELECT output::text FROM agent_logs
                         WHERE task_id = :task AND input_type = :type AND outcome = 'COMPLETED' AND iter < :iter
                           AND created_at >= :since
                         ORDER BY iter DESC, id DESC LIMIT 1
                        """)
                .param("task", task)
                .param("type", inputType)
                .param("iter", iteration)
                .param("since", Timestamp.from(since == null ? Instant.EPOCH : since))
                .query(String.class)
                .optional()
                .map(JSON::readTree)
                .orElse(JSON.missingNode());
    }

    /** The iterations before this one, since {@code since}, whose developer's patch had this hash. */
    public List<Integer> iterationsWithPatch(UUID task, String patchHash, int iteration, Instant since) {
        return jdbc.sql("""
                        SELECT DISTINCT iter FROM agent_logs
                         WHERE task_id = :task AND input_type = 'dev.implement' AND outcome = 'COMPLETED'
                           AND patch_hash = :hash AND iter < :iter AND created_at >= :since
                         ORDER BY iter
                        """)
                .param("task", task)
                .param("hash", patchHash)
                .param("iter", iteration)
                .param("since", Timestamp.from(since == null ? Instant.EPOCH : since))
                .query(Integer.class)
                .list();
    }

    /** Tokens the task's agents reported, prompt and completion together. */
    public long tokens(UUID task) {
        return jdbc.sql("""
                        SELECT COALESCE(SUM(COALESCE((token_usage->>'promptTokens')::bigint, 0)
                                          + COALESCE((token_usage->>'completionTokens')::bigint, 0)), 0)
                          FROM agent_logs WHERE task_id = :task
                        """).param("task", task).query(Long.class).single();
    }

    /** One iteration of a pair session: whether the driver proposed a change, and what each step said. */
    public record SessionStep(int iteration, boolean proposed, String summary) {}

    /** The iterations of a pair session in order, from its agents' results. */
    public List<SessionStep> sessionSteps(UUID session) {
        java.util.Map<Integer, StringBuilder> said = new java.util.TreeMap<>();
        java.util.Set<Integer> proposed = new java.util.HashSet<>();
        jdbc.sql("""
                        SELECT iter, input_type, outcome, output->>'patch' IS NOT NULL AS proposed,
                               COALESCE(output->>'verdict', output->>'decision', output->>'status', '') AS said
                          FROM agent_logs WHERE session_id = :s AND role <> 'pair'
                         ORDER BY iter, id
                        """)
                .param("s", session)
                .query((rs, i) -> {
                    int iter = rs.getInt("iter");
                    String step = switch (rs.getString("input_type")) {
                        case "dev.implement" -> "developer";
                        case "qa.verify" -> "QA";
                        case "review.diff" -> "review";
                        default -> rs.getString("input_type");
                    };
                    String outcome = rs.getString("outcome");
                    String what = "COMPLETED".equals(outcome) ? rs.getString("said") : outcome;
                    StringBuilder line = said.computeIfAbsent(iter, k -> new StringBuilder());
                    line.append(line.isEmpty() ? "" : ", ")
                            .append(step)
                            .append(' ')
                            .append(what);
                    if (rs.getBoolean("proposed")) {
                        proposed.add(iter);
                    }
                    return iter;
                })
                .list();
        return said.entrySet().stream()
                .map(e -> new SessionStep(
                        e.getKey(), proposed.contains(e.getKey()), e.getValue().toString()))
                .toList();
    }
}
