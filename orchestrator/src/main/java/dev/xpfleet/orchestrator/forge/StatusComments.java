package dev.xpfleet.orchestrator.forge;

import dev.xpfleet.common.hash.Sha256;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.budget.TokenBudgets;
import dev.xpfleet.orchestrator.support.ClusterLock;
import dev.xpfleet.orchestrator.task.StatusRequested;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps one status comment per task on its issue saying where the task is (picked up, iteration N
 * failed QA and why, pull request open, blocked on budget, needs a person, ...). It compares what
 * the comment should say with what it last wrote and writes only on a change, into the one comment
 * found by its hidden marker: edited in place, never a stream of new ones.
 */
@Component
public class StatusComments {

    private static final Logger log = LoggerFactory.getLogger(StatusComments.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ObjectProvider<Forge> forges;
    private final ClusterLock clusterLock;
    private final TaskRepository tasks;
    private final JdbcClient jdbc;
    private final AuditTrail audit;
    private final TokenBudgets budgets;
    private final Counter refused;

    StatusComments(
            ObjectProvider<Forge> forges,
            TaskRepository tasks,
            JdbcClient jdbc,
            ClusterLock clusterLock,
            AuditTrail audit,
            TokenBudgets budgets,
            MeterRegistry meters) {
        this.audit = audit;
        this.budgets = budgets;
        this.refused = Counter.builder("fleet.forge.status.comments.refused")
                .description("Status comments the forge refused for good (no such issue or repository)")
                .register(meters);
        this.clusterLock = clusterLock;
        this.forges = forges;
        this.tasks = tasks;
        this.jdbc = jdbc;
    }

    @Scheduled(fixedDelayString = "${fleet.forge.step-interval:PT2S}")
    void scheduled() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Status comment round failed: {}", e.getMessage());
        }
    }

    /** Brings the comments of tasks changed since their last comment up to date. */
    public void runOnce() {
        // One replica at a time: two rounds at once could push, comment or merge the same task twice.
        clusterLock.runExclusively("status-comments", this::round);
    }

    private void round() {
        Forge forge = forges.getIfAvailable();
        if (forge == null) {
            return;
        }
        // With what each comment's row said when read: it is written back only if still so (a
        // status request may mark it meanwhile, and must not be lost).
        List<Map<String, Object>> changed = jdbc.sql("""
                        SELECT t.id, s.updated_at AS seen FROM tasks t LEFT JOIN forge_status_comments s ON s.task_id = t.id
                         WHERE t.issue_number IS NOT NULL AND (s.task_id IS NULL OR t.updated_at > s.updated_at)
                         ORDER BY t.updated_at LIMIT 50
                        """).query().listOfRows();
        for (Map<String, Object> row : changed) {
            UUID id = (UUID) row.get("id");
            Object seen = row.get("seen");
            try {
                tasks.find(id).ifPresent(task -> update(forge, task, seen));
            } catch (RuntimeException e) {
                // One task's trouble must not keep the others' comments from being written.
                log.warn("Task {}: status comment round failed: {}", id, firstLine(e.getMessage()));
            }
        }
    }

    /**
     * {@code /agent status} on the task's issue: the next round writes its comment again, with who
     * asked and when, even when nothing else changed. Runs in the asking delivery's transaction.
     */
    @EventListener
    void requested(StatusRequested request) {
        Task task = request.task();
        String by = request.by();
        String delivery = request.delivery();
        audit.record(
                task.id(),
                by,
                "status.requested",
                Map.of(
                        "delivery",
                        delivery,
                        "by",
                        by,
                        "at",
                        java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                .toString()));
        // Marked stale, the first comment too: the round that next reads the row writes the comment.
        jdbc.sql("""
                        INSERT INTO forge_status_comments (task_id, text_hash, updated_at) VALUES (:t, '', '-infinity')
                        ON CONFLICT (task_id) DO UPDATE SET updated_at = '-infinity'
                        """).param("t", task.id()).update();
    }

    private void update(Forge forge, Task task, Object seen) {
        Map<String, JsonNode> facts = facts(task);
        TokenBudgets.Budget budget = budgets.forTask(task.id());
        String text = StatusText.of(task, facts, lastVerdict(task)) + "\n\n"
                + StatusText.footer(
                        task, budget.used() + budget.reserved(), budget.limit(), facts, facts.get("status.requested"));
        String body = "<!-- " + PullRequestStep.STATUS_MARKER + ":" + task.id() + " -->\n" + text;
        String hash = sha256(body);
        String previous = jdbc.sql("SELECT text_hash FROM forge_status_comments WHERE task_id = :t")
                .param("t", task.id())
                .query(String.class)
                .optional()
                .orElse(null);
        try {
            if (!hash.equals(previous)) {
                forge.upsertComment(
                        task.repository(), task.issueNumber(), PullRequestStep.STATUS_MARKER + ":" + task.id(), body);
            }
            written(task, hash, seen);
        } catch (ForgeException.Transient e) {
            // Unreachable or rate limited: the next round tries again.
            log.info("Task {}: status comment not written yet: {}", task.id(), firstLine(e.getMessage()));
        } catch (ForgeException e) {
            // The forge refuses for good (no such issue, no such repository): the task shows it once,
            // in its audit trail and a counter, and is not tried again until it changes.
            log.warn("Task {}: status comment refused: {}", task.id(), firstLine(e.getMessage()));
            audit.record(
                    task.id(),
                    "orchestrator",
                    "forge.status_comment_refused",
                    Map.of("reason", firstLine(e.getMessage())));
            refused.increment();
            written(task, "refused:" + hash, seen);
        }
    }

    /** Records the comment as written, unless its row changed since the round read it ({@code seen}). */
    private void written(Task task, String hash, Object seen) {
        jdbc.sql("""
                        INSERT INTO forge_status_comments (task_id, text_hash, updated_at) VALUES (:t, :h, :at)
                        ON CONFLICT (task_id) DO UPDATE SET text_hash = :h, updated_at = :at
                         WHERE forge_status_comments.updated_at IS NOT DISTINCT FROM CAST(:seen AS timestamptz)
                        """)
                .param("t", task.id())
                .param("h", hash)
                .param("at", java.time.OffsetDateTime.ofInstant(task.updatedAt(), java.time.ZoneOffset.UTC))
                .param("seen", seen)
                .update();
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private Map<String, JsonNode> facts(Task task) {
        Map<String, JsonNode> facts = new HashMap<>();
        jdbc.sql("""
                        SELECT DISTINCT ON (action) action, detail::text FROM audit_trail
                         WHERE task_id = :t AND action IN
                               ('pull_request.opened', 'budget.exceeded', 'task.needs_human', 'task.failed', 'forge.failed',
                                'status.requested')
                         ORDER BY action, occurred_at DESC
                        """)
                .param("t", task.id())
                .query((rs, i) -> facts.put(rs.getString(1), JSON.readTree(rs.getString(2))))
                .list();
        return facts;
    }

    private JsonNode lastVerdict(Task task) {
        return jdbc.sql("""
                        SELECT output::text FROM agent_logs
                         WHERE task_id = :t AND input_type IN ('qa.verify', 'review.diff') AND output IS NOT NULL
                           AND coalesce(output->>'verdict', '') <> 'PASSED' AND coalesce(output->>'decision', '') <> 'APPROVE'
                         ORDER BY created_at DESC LIMIT 1
                        """)
                .param("t", task.id())
                .query(String.class)
                .optional()
                .map(JSON::readTree)
                .orElse(JSON.missingNode());
    }

    private static String sha256(String text) {
        return Sha256.hex(text);
    }
}
