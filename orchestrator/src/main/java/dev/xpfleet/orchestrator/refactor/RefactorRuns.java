package dev.xpfleet.orchestrator.refactor;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.workspace.Names;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.outbox.Outbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts refactoring runs (a run row, a scan row per repository and the scan's message to the
 * refactor agents, in one transaction) and shows them.
 */
@Component
public class RefactorRuns {

    /** Who started a run. */
    public enum Trigger {
        SCHEDULE,
        MANUAL
    }

    private final JdbcClient jdbc;
    private final Outbox outbox;
    private final AuditTrail audit;
    private final RefactorProperties props;

    RefactorRuns(JdbcClient jdbc, Outbox outbox, AuditTrail audit, RefactorProperties props) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.audit = audit;
        this.props = props;
    }

    /**
     * Starts a run over the named repositories (none named: the configured ones, else every
     * repository the fleet has had a task for).
     *
     * @param slot the schedule's fire time: a second run for the same slot is not started
     * @return the run, or empty when its slot had a run already
     * @throws IllegalArgumentException for a name that is not a repository, or nothing to scan
     */
    @Transactional
    public Optional<UUID> start(
            Trigger trigger, Instant slot, boolean dryRun, String requestedBy, List<String> repositories) {
        List<String> targets = targets(repositories);
        UUID run = UuidV7.next();
        int inserted = jdbc.sql("""
                        INSERT INTO refactor_runs (id, trigger, slot, dry_run, requested_by)
                        VALUES (:id, :trigger, :slot, :dry, :by)
                        ON CONFLICT (slot) WHERE slot IS NOT NULL DO NOTHING
                        """)
                .param("id", run)
                .param("trigger", trigger.name())
                .param("slot", slot == null ? null : java.sql.Timestamp.from(slot))
                .param("dry", dryRun)
                .param("by", requestedBy)
                .update();
        if (inserted == 0) {
            return Optional.empty();
        }
        for (String repository : targets) {
            UUID scan = UuidV7.next();
            jdbc.sql("INSERT INTO refactor_scans (id, run_id, repository, state) VALUES (:id, :run, :r, 'QUEUED')")
                    .param("id", scan)
                    .param("run", run)
                    .param("r", repository)
                    .update();
            ObjectNode payload = EnvelopeCodec.mapper().createObjectNode();
            payload.put("run", run.toString());
            payload.put("repository", repository);
            payload.put("dryRun", dryRun);
            payload.put("maxIssues", props.maxIssues());
            payload.put("weeklyTokens", props.weeklyTokens());
            String project = props.sonarProjectKeys().get(repository);
            if (project != null) {
                // The fleet's own mapping: a repository cannot point its scan at another project.
                payload.put("sonarProject", project);
            }
            // The scan's id stands where a task's would: its result comes back under it.
            outbox.enqueue(AgentRole.REFACTOR, Envelope.create(MessageTypes.REFACTOR_SCAN, scan, 1, payload));
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("run", run.toString());
        detail.put("trigger", trigger.name());
        detail.put("dryRun", dryRun);
        detail.put("repositories", targets);
        audit.record(null, requestedBy, "refactor.run_started", detail);
        return Optional.of(run);
    }

    private List<String> targets(List<String> named) {
        List<String> chosen = named != null && !named.isEmpty()
                ? named
                : !props.repositories().isEmpty()
                        ? props.repositories()
                        : jdbc.sql("SELECT DISTINCT repository FROM tasks ORDER BY repository")
                                .query(String.class)
                                .list();
        for (String repository : chosen) {
            if (!Names.isRepository(repository) || repository.endsWith("/.")) {
                throw new IllegalArgumentException("not a repository (owner/name): '" + repository + "'");
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no repository to scan: name one, or set fleet.refactor.repositories");
        }
        return List.copyOf(new LinkedHashSet<>(chosen));
    }

    /** The newest runs, newest first, each with its scans and what they opened. */
    public List<Map<String, Object>> recent(int limit) {
        return jdbc
                .sql("SELECT id FROM refactor_runs ORDER BY created_at DESC, id DESC LIMIT :n")
                .param("n", limit)
                .query(UUID.class)
                .list()
                .stream()
                .map(id -> view(id).orElseThrow())
                .toList();
    }

    /** One run, with its scans, each scan's plan and the items it opened. */
    public Optional<Map<String, Object>> view(UUID run) {
        return jdbc.sql("SELECT * FROM refactor_runs WHERE id = :id")
                .param("id", run)
                .query((rs, i) -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("id", rs.getObject("id", UUID.class));
                    view.put("trigger", rs.getString("trigger"));
                    var slot = rs.getTimestamp("slot");
                    view.put("slot", slot == null ? null : slot.toInstant());
                    view.put("dryRun", rs.getBoolean("dry_run"));
                    view.put("requestedBy", rs.getString("requested_by"));
                    view.put("createdAt", rs.getTimestamp("created_at").toInstant());
                    return view;
                })
                .optional()
                .map(view -> {
                    view.put("scans", scans(run));
                    return view;
                });
    }

    private List<Map<String, Object>> scans(UUID run) {
        List<Map<String, Object>> scans =
                new ArrayList<>(jdbc.sql("SELECT * FROM refactor_scans WHERE run_id = :run ORDER BY repository")
                        .param("run", run)
                        .query((rs, i) -> {
                            Map<String, Object> scan = new LinkedHashMap<>();
                            scan.put("id", rs.getObject("id", UUID.class));
                            scan.put("repository", rs.getString("repository"));
                            scan.put("state", rs.getString("state"));
                            scan.put("source", rs.getString("source"));
                            scan.put("reason", rs.getString("reason"));
                            scan.put("measures", json(rs.getString("measures")));
                            scan.put("plan", json(rs.getString("plan")));
                            return scan;
                        })
                        .list());
        for (Map<String, Object> scan : scans) {
            scan.put("items", items((UUID) scan.get("id")));
        }
        return scans;
    }

    private List<Map<String, Object>> items(UUID scan) {
        return jdbc.sql("""
                        SELECT i.*, t.state AS task_state FROM refactor_items i
                          LEFT JOIN tasks t ON t.id = i.task_id
                         WHERE i.scan_id = :scan ORDER BY i.created_at, i.id
                        """)
                .param("scan", scan)
                .query((rs, i) -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("fingerprint", rs.getString("fingerprint"));
                    item.put("title", rs.getString("title"));
                    item.put("debtMinutes", rs.getInt("debt_minutes"));
                    item.put("state", rs.getString("state"));
                    item.put("issue", rs.getObject("issue_number"));
                    item.put("task", rs.getObject("task_id"));
                    item.put("taskState", rs.getString("task_state"));
                    return item;
                })
                .list();
    }

    private static Object json(String text) {
        return text == null ? null : EnvelopeCodec.mapper().readTree(text);
    }
}
