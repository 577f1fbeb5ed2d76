package dev.xpfleet.orchestrator.audit;

import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Appends audit rows; joins the caller's transaction so the row and the change commit together. */
@Repository
public class AuditTrail {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    public AuditTrail(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** How many rows of this action the task has whose detail has {@code key} = {@code value}. */
    public long count(UUID taskId, String action, String key, String value) {
        return jdbc.sql("""
                        SELECT count(*) FROM audit_trail
                         WHERE task_id = :task AND action = :action AND detail ->> :key = :value
                        """)
                .param("task", taskId)
                .param("action", action)
                .param("key", key)
                .param("value", value)
                .query(Long.class)
                .single();
    }

    /**
     * @param taskId the task concerned, or null
     * @param actor who did it (GitHub login, token name, or a service)
     * @param action what happened, e.g. {@code task.created} or {@code command.refused}
     * @param detail facts worth keeping; untrusted text is stored as data, never interpreted
     */
    public void record(UUID taskId, String actor, String action, Map<String, ?> detail) {
        jdbc.sql(
                        "INSERT INTO audit_trail (task_id, actor, action, detail) VALUES (:task, :actor, :action, CAST(:detail AS jsonb))")
                .param("task", taskId)
                .param("actor", actor)
                .param("action", action)
                .param("detail", JSON.writeValueAsString(detail))
                .update();
    }
}
