package dev.xpfleet.orchestrator.results;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.pair.PairSessions;
import dev.xpfleet.orchestrator.refactor.ScanResults;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskFlow;
import dev.xpfleet.orchestrator.task.TaskRepository;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/** Applies one result in one transaction; a result already applied changes nothing. */
@Component
class ResultApplier {

    private final JdbcClient jdbc;
    private final TaskRepository tasks;
    private final TaskFlow flow;
    private final AuditTrail audit;
    private final PairSessions pairSessions;
    private final ScanResults scans;

    ResultApplier(
            JdbcClient jdbc,
            TaskRepository tasks,
            TaskFlow flow,
            AuditTrail audit,
            PairSessions pairSessions,
            ScanResults scans) {
        this.jdbc = jdbc;
        this.scans = scans;
        this.tasks = tasks;
        this.flow = flow;
        this.audit = audit;
        this.pairSessions = pairSessions;
    }

    /** @return false when the result had been applied before */
    @Transactional
    boolean apply(Envelope envelope, String stream) {
        int fresh = jdbc.sql(
                        "INSERT INTO processed_events (event_id, stream) VALUES (:id, :stream) ON CONFLICT DO NOTHING")
                .param("id", envelope.eventId())
                .param("stream", stream)
                .update();
        if (fresh == 0) {
            return false;
        }
        AgentResult result = AgentResult.fromEnvelope(envelope);
        Optional<String> refused = refusal(envelope, result);
        if (refused.isEmpty()) {
            log(envelope, result);
        }
        if (AgentRole.REFACTOR.key().equals(result.role()) && scans.apply(envelope, result)) {
            return true;
        }
        Optional<Task> task = tasks.find(envelope.taskId());
        if (task.isEmpty()) {
            audit.record(envelope.taskId(), result.role(), "result.unknown_task", Map.of("event", envelope.eventId()));
            return true;
        }
        if (refused.isPresent()) {
            if (envelope.sessionId() != null) {
                flow.pairResultRefused(task.get(), envelope.sessionId(), result.inputEventId(), refused.get());
            }
            return true;
        }
        flow.onResult(task.get(), envelope, result);
        return true;
    }

    /**
     * A pair session's result counts only with the session's current fencing token: one from a
     * coordinator that lost its lock (an older token), or with none, is refused (audited
     * {@code pair.write_refused}); the reason, or empty when it counts. The session's row stays
     * locked to the end of this transaction, so no newer token is handed out meanwhile.
     */
    private Optional<String> refusal(Envelope envelope, AgentResult result) {
        if (!AgentRole.PAIR.key().equals(result.role())) {
            return Optional.empty();
        }
        JsonNode fence = result.output().path("fence");
        Optional<Long> current =
                envelope.sessionId() == null ? Optional.empty() : pairSessions.lockCurrent(envelope.sessionId());
        if (current.isPresent() && fence.isIntegralNumber() && fence.asLong() == current.get()) {
            return Optional.empty();
        }
        String why = (fence.isIntegralNumber() ? "fencing token " + fence.asLong() : "no fencing token")
                + (current.isPresent() ? ", current " + current.get() : ", no such session") + ": "
                + result.outcome() + (result.reason() == null ? "" : " " + result.reason());
        Map<String, Object> detail = new java.util.LinkedHashMap<>();
        detail.put("event", envelope.eventId().toString());
        detail.put("session", String.valueOf(envelope.sessionId()));
        detail.put("fence", fence.isIntegralNumber() ? fence.asLong() : null);
        detail.put("current", current.orElse(null));
        detail.put("why", why);
        audit.record(envelope.taskId(), result.role(), "pair.write_refused", detail);
        return Optional.of(why);
    }

    /** The task shows that one of its results could not be read or applied. */
    @Transactional
    void recordDeadLetter(UUID taskId, String reason) {
        audit.record(taskId, "orchestrator", "result.dead_lettered", Map.of("reason", reason));
    }

    private void log(Envelope envelope, AgentResult result) {
        JsonNode output = result.output();
        jdbc.sql("""
                        INSERT INTO agent_logs (event_id, session_id, task_id, iter, role, input_type, outcome, reason,
                                                patch_hash, tests_result, token_usage, coverage, output)
                        VALUES (:event, :session, :task, :iter, :role, :inputType, :outcome, :reason,
                                :patchHash, CAST(:tests AS jsonb), CAST(:tokens AS jsonb), :coverage,
                                CAST(:output AS jsonb))
                        """)
                .param("event", envelope.eventId())
                .param("session", envelope.sessionId())
                .param("task", envelope.taskId())
                .param("iter", envelope.iteration())
                .param("role", result.role())
                .param("inputType", result.inputType())
                .param("outcome", result.outcome().name())
                .param("reason", result.reason())
                .param("patchHash", text(output, "patchHash"))
                .param("tests", json(output, "tests"))
                .param("tokens", json(output, "tokenUsage"))
                .param(
                        "coverage",
                        output.path("coverage").isNumber()
                                ? output.path("coverage").decimalValue()
                                : null)
                .param("output", output.isMissingNode() || output.isNull() ? null : output.toString())
                .update();
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isString() ? node.path(field).asString() : null;
    }

    private static String json(JsonNode node, String field) {
        return node.has(field) ? node.get(field).toString() : null;
    }
}
