package dev.xpfleet.orchestrator.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Read models for the API: task lists, usage so far, timelines. */
@Repository
class TaskQueries {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    TaskQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Map<String, Object>> list(String state, String repository, int page, int size) {
        return jdbc.sql("""
                        SELECT id, repository, issue_number, title, state, mode, iteration, max_iters, created_by,
                               created_at, updated_at
                          FROM tasks
                         WHERE (CAST(:state AS text) IS NULL OR state = :state)
                           AND (CAST(:repository AS text) IS NULL OR repository = :repository)
                         ORDER BY created_at DESC, id DESC
                         LIMIT :size OFFSET :offset
                        """)
                .param("state", state)
                .param("repository", repository)
                .param("size", size)
                .param("offset", page * size)
                .query()
                .listOfRows();
    }

    long count(String state, String repository) {
        return jdbc.sql("""
                        SELECT count(*) FROM tasks
                         WHERE (CAST(:state AS text) IS NULL OR state = :state)
                           AND (CAST(:repository AS text) IS NULL OR repository = :repository)
                        """)
                .param("state", state)
                .param("repository", repository)
                .query(Long.class)
                .single();
    }

    /**
     * Tokens so far: as counted by the gateway (every model call, the source of truth for budgets)
     * and as reported by the agents' results (agent_logs.token_usage).
     */
    Map<String, Object> usage(UUID task) {
        Map<String, Object> gateway = jdbc.sql("""
                        SELECT count(*) AS calls,
                               count(*) FILTER (WHERE replayed) AS replayed_calls,
                               coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
                               coalesce(sum(completion_tokens), 0) AS completion_tokens,
                               coalesce(sum(reserved_tokens) FILTER (WHERE status = 'RESERVED'), 0) AS in_flight_reserved
                          FROM model_calls WHERE task_id = :task
                        """).param("task", task).query().singleRow();
        Map<String, Object> reported = jdbc.sql("""
                        SELECT count(*) AS results,
                               coalesce(sum((token_usage->>'promptTokens')::bigint), 0) AS prompt_tokens,
                               coalesce(sum((token_usage->>'completionTokens')::bigint), 0) AS completion_tokens
                          FROM agent_logs WHERE task_id = :task
                        """).param("task", task).query().singleRow();
        return Map.of("gateway", gateway, "agentReported", reported);
    }

    /** Audit rows and agent results of a task, oldest first. */
    List<Map<String, Object>> timeline(UUID task) {
        return jdbc.sql("""
                        SELECT occurred_at AS at, 'audit' AS kind, actor AS who, action AS what, detail::text AS detail
                          FROM audit_trail WHERE task_id = :task
                        UNION ALL
                        SELECT created_at, 'result', role, input_type || ' ' || outcome,
                               json_build_object('iteration', iter, 'reason', reason, 'patchHash', patch_hash)::text
                          FROM agent_logs WHERE task_id = :task
                        ORDER BY at
                        """).param("task", task).query().listOfRows();
    }

    /**
     * The agents' results of a task, oldest first, with what each reported (the developer's
     * evidence, QA's figures, the review). Agent output is data: shown, never interpreted here.
     */
    List<Map<String, Object>> results(UUID task) {
        return jdbc.sql("""
                        SELECT created_at AS at, iter AS iteration, role, input_type AS step, outcome, reason,
                               patch_hash AS "patchHash", output::text AS output
                          FROM agent_logs WHERE task_id = :task ORDER BY id
                        """).param("task", task).query().listOfRows().stream()
                .map(row -> {
                    Map<String, Object> result = new java.util.LinkedHashMap<>(row);
                    Object output = row.get("output");
                    result.put("output", output == null ? null : JSON.readTree(output.toString()));
                    return result;
                })
                .toList();
    }
}
