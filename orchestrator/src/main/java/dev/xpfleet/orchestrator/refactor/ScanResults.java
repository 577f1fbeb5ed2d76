package dev.xpfleet.orchestrator.refactor;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.support.ClusterLock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A refactor agent's answer to a scan, applied in the result's transaction: the measures and the
 * ranked groups are kept; then, in rank order, each group is planned to be opened or skipped (with
 * why) until the repository's limit: a group is skipped when its fingerprint has an issue the fleet
 * opened whose task is not merged (open, waiting for a person, or rejected), or an active task of
 * the repository has its title. A dry run keeps the plan only; a real one records the groups to
 * open ({@link RefactorIssues} opens them). A scan is applied once: a second answer changes nothing.
 */
@Component
public class ScanResults {

    /** What the refactor agents send: 24 hex digits of a SHA-256 (it goes into the issue's marker). */
    static final java.util.regex.Pattern FINGERPRINT = java.util.regex.Pattern.compile("[0-9a-f]{24}");

    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final RefactorProperties props;

    ScanResults(JdbcClient jdbc, AuditTrail audit, RefactorProperties props) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.props = props;
    }

    /** @return false when the envelope is no scan's (its id names none) */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean apply(Envelope envelope, AgentResult result) {
        Optional<Scan> found = jdbc.sql("""
                        SELECT s.id, s.repository, s.state, r.dry_run FROM refactor_scans s
                          JOIN refactor_runs r ON r.id = s.run_id WHERE s.id = :id FOR UPDATE OF s
                        """)
                .param("id", envelope.taskId())
                .query((rs, i) -> new Scan(
                        rs.getObject("id", UUID.class),
                        rs.getString("repository"),
                        rs.getString("state"),
                        rs.getBoolean("dry_run")))
                .optional();
        if (found.isEmpty()) {
            return false;
        }
        Scan scan = found.get();
        if (!"QUEUED".equals(scan.state())) {
            return true;
        }
        if (result.outcome() != AgentResult.Outcome.COMPLETED) {
            finish(
                    scan,
                    "FAILED",
                    result.output(),
                    null,
                    result.reason() == null ? result.outcome().name() : result.reason());
            audit.record(
                    null,
                    "refactor",
                    "refactor.scan_failed",
                    Map.of(
                            "scan",
                            scan.id().toString(),
                            "repository",
                            scan.repository(),
                            "reason",
                            String.valueOf(result.reason())));
            return true;
        }
        JsonNode output = result.output();
        ArrayNode plan = plan(scan, output);
        finish(
                scan,
                "DONE",
                output,
                plan,
                output.path("settings").path("enabled").asBoolean(true)
                        ? null
                        : "refactoring is off for this repository (.fleet.yml refactor: enabled: false)");
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("scan", scan.id().toString());
        detail.put("repository", scan.repository());
        detail.put("source", output.path("source").asString(""));
        detail.put("planned", count(plan, "open"));
        detail.put("skipped", count(plan, "skip"));
        detail.put("dryRun", scan.dryRun());
        audit.record(null, "refactor", "refactor.scanned", detail);
        return true;
    }

    private ArrayNode plan(Scan scan, JsonNode output) {
        ArrayNode plan = EnvelopeCodec.mapper().createArrayNode();
        JsonNode settings = output.path("settings");
        if (!settings.path("enabled").asBoolean(true)) {
            return plan;
        }
        int limit = Math.min(props.maxIssues(), settings.path("maxIssues").asInt(props.maxIssues()));
        // A repository may lower the fleet's weekly budget for its refactorings, not raise it.
        long weekly = settings.path("weeklyTokens").canConvertToLong()
                ? Math.min(props.weeklyTokens(), settings.path("weeklyTokens").asLong())
                : props.weeklyTokens();
        // One planner per repository at a time: two scans of one repository never both open a group.
        jdbc.sql("SELECT pg_advisory_xact_lock(:key)")
                .param("key", ClusterLock.key("refactor-plan:" + scan.repository()))
                .query()
                .singleRow();
        String source = output.path("source").asString("builtin");
        int chosen = 0;
        for (JsonNode group : output.path("groups")) {
            String fingerprint = group.path("fingerprint").asString("");
            String title = IssueText.title(group);
            ObjectNode entry = plan.addObject();
            entry.put("fingerprint", fingerprint);
            entry.put("title", title);
            entry.put("debtMinutes", group.path("debtMinutes").asInt(0));
            entry.put("score", group.path("score").asDouble(0));
            Optional<String> why = !FINGERPRINT.matcher(fingerprint).matches()
                    ? Optional.of("not a fingerprint: '" + IssueText.oneLine(fingerprint, 40) + "'")
                    : taken(scan, fingerprint, title);
            if (why.isPresent()) {
                entry.put("decision", "skip");
                entry.put("why", why.get());
            } else if (chosen >= limit) {
                entry.put("decision", "skip");
                entry.put("why", "over this run's limit of " + limit + " issues");
            } else {
                chosen++;
                entry.put("decision", "open");
                if (!scan.dryRun()) {
                    record(scan, group, fingerprint, title, source, weekly);
                }
            }
        }
        return plan;
    }

    /** Why a group is taken already, if it is. */
    private Optional<String> taken(Scan scan, String fingerprint, String title) {
        Optional<String> item = jdbc.sql("""
                        SELECT CASE WHEN i.state = 'PLANNED' THEN 'planned by an earlier run'
                                    ELSE 'issue #' || i.issue_number || ' (task ' || coalesce(t.state, 'unknown') || ')'
                               END
                          FROM refactor_items i LEFT JOIN tasks t ON t.id = i.task_id
                         WHERE i.repository = :r AND i.fingerprint = :f
                           AND (i.state = 'PLANNED' OR (i.state = 'OPENED' AND (t.state IS NULL OR t.state <> 'MERGED')))
                         ORDER BY i.created_at DESC LIMIT 1
                        """)
                .param("r", scan.repository())
                .param("f", fingerprint)
                .query(String.class)
                .optional();
        if (item.isPresent()) {
            return Optional.of("has a refactoring already: " + item.get());
        }
        return jdbc.sql("""
                        SELECT 'task ' || id || ' (' || state || ') has this title' FROM tasks
                         WHERE repository = :r AND title = :title AND state NOT IN ('MERGED', 'FAILED', 'CANCELLED')
                         LIMIT 1
                        """)
                .param("r", scan.repository())
                .param("title", title)
                .query(String.class)
                .optional();
    }

    private void record(Scan scan, JsonNode group, String fingerprint, String title, String source, long weekly) {
        jdbc.sql("""
                        INSERT INTO refactor_items (id, scan_id, repository, fingerprint, title, body, debt_minutes,
                                                    weekly_tokens, state)
                        VALUES (:id, :scan, :r, :f, :title, :body, :debt, :weekly, 'PLANNED')
                        """)
                .param("id", UuidV7.next())
                .param("scan", scan.id())
                .param("r", scan.repository())
                .param("f", fingerprint)
                .param("title", title)
                .param("body", IssueText.body(group, source))
                .param("debt", group.path("debtMinutes").asInt(0))
                .param("weekly", weekly)
                .update();
    }

    private void finish(Scan scan, String state, JsonNode output, ArrayNode plan, String reason) {
        jdbc.sql("""
                        UPDATE refactor_scans SET state = :state, source = :source, reason = :reason,
                               measures = CAST(:measures AS jsonb), candidates = CAST(:candidates AS jsonb),
                               plan = CAST(:plan AS jsonb), finished_at = now()
                         WHERE id = :id
                        """)
                .param("id", scan.id())
                .param("state", state)
                .param(
                        "source",
                        output.path("source").isString() ? output.path("source").asString() : null)
                .param("reason", reason)
                .param(
                        "measures",
                        output.has("measures") ? output.get("measures").toString() : null)
                .param("candidates", output.has("groups") ? output.get("groups").toString() : null)
                .param("plan", plan == null ? null : plan.toString())
                .update();
    }

    private static long count(ArrayNode plan, String decision) {
        long n = 0;
        for (JsonNode entry : plan) {
            n += decision.equals(entry.path("decision").asString()) ? 1 : 0;
        }
        return n;
    }

    private record Scan(UUID id, String repository, String state, boolean dryRun) {}
}
