package dev.xpfleet.orchestrator.refactor;

import dev.xpfleet.orchestrator.forge.Forge;
import dev.xpfleet.orchestrator.support.ClusterLock;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskControl;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.webhook.WebhookProperties;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Opens the planned refactorings: each becomes an issue on the forge (labelled with the trigger
 * label and {@code fleet.refactor.label}, tagged with its fingerprint so a retry finds it instead of
 * opening another) and the task that works on it, started at once. Runs on every replica, one round
 * at a time across them; a forge that fails leaves the item planned for a later round (backing
 * off), and one that keeps failing is given up. Scans no agent answered in time fail here too.
 */
@Component
class RefactorIssues {

    static final String ACTOR = "refactor";

    /** Tries of one item before it is given up (FAILED, with the last error). */
    static final int MAX_ATTEMPTS = 10;

    private static final Logger log = LoggerFactory.getLogger(RefactorIssues.class);

    private final ObjectProvider<Forge> forges;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ClusterLock clusterLock;
    private final TaskControl control;
    private final TaskRepository tasks;
    private final RefactorProperties props;
    private final WebhookProperties webhook;

    RefactorIssues(
            ObjectProvider<Forge> forges,
            JdbcClient jdbc,
            TransactionTemplate tx,
            ClusterLock clusterLock,
            TaskControl control,
            TaskRepository tasks,
            RefactorProperties props,
            WebhookProperties webhook) {
        this.forges = forges;
        this.jdbc = jdbc;
        this.tx = tx;
        this.clusterLock = clusterLock;
        this.control = control;
        this.tasks = tasks;
        this.props = props;
        this.webhook = webhook;
    }

    @Scheduled(fixedDelayString = "${fleet.refactor.step-interval:PT2S}")
    void scheduled() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Refactoring issues round failed: {}", e.getMessage());
        }
    }

    /** One round over the planned items. */
    void runOnce() {
        clusterLock.runExclusively("refactor-issues", this::round);
    }

    private void round() {
        expireScans();
        Forge forge = forges.getIfAvailable();
        if (forge == null) {
            return;
        }
        List<Item> planned = jdbc.sql("""
                        SELECT id, repository, fingerprint, title, body, issue_number, attempts FROM refactor_items
                         WHERE state = 'PLANNED' AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT 20
                        """)
                .query((rs, i) -> new Item(
                        rs.getObject("id", UUID.class),
                        rs.getString("repository"),
                        rs.getString("fingerprint"),
                        rs.getString("title"),
                        rs.getString("body"),
                        (Integer) rs.getObject("issue_number"),
                        rs.getInt("attempts")))
                .list();
        for (Item item : planned) {
            try {
                open(forge, item);
            } catch (RuntimeException e) {
                failed(item, e);
            }
        }
    }

    /**
     * A try that failed: the item waits (1, 2, 4 ... minutes, at most six hours) before the next,
     * and after {@value #MAX_ATTEMPTS} tries it is given up with the reason, so it neither holds up
     * newer items nor keeps its fingerprint taken.
     */
    private void failed(Item item, RuntimeException e) {
        int attempts = item.attempts() + 1;
        boolean givenUp = attempts >= MAX_ATTEMPTS;
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        log.warn(
                "Refactoring {} of {} not opened (try {} of {}): {}",
                item.fingerprint(),
                item.repository(),
                attempts,
                MAX_ATTEMPTS,
                why);
        jdbc.sql("""
                        UPDATE refactor_items
                           SET attempts = :attempts, last_error = :why, state = :state,
                               next_attempt_at = now() + make_interval(mins => :wait)
                         WHERE id = :id AND state = 'PLANNED'
                        """)
                .param("attempts", attempts)
                .param("why", why.length() > 1000 ? why.substring(0, 1000) : why)
                .param("state", givenUp ? "FAILED" : "PLANNED")
                .param("wait", (int) Math.min(360, 1L << Math.min(attempts - 1, 9)))
                .param("id", item.id())
                .update();
    }

    /** Scans no refactor agent answered in time (none running, or all down) fail with the reason. */
    private void expireScans() {
        int expired = jdbc.sql("""
                        UPDATE refactor_scans s SET state = 'FAILED', finished_at = now(),
                               reason = 'no refactor agent answered within ' || :limit || ' (is one running?)'
                          FROM refactor_runs r
                         WHERE r.id = s.run_id AND s.state = 'QUEUED'
                           AND r.created_at < now() - make_interval(secs => :secs)
                        """)
                .param("limit", props.scanTimeout().toString())
                .param("secs", props.scanTimeout().toSeconds())
                .update();
        if (expired > 0) {
            log.warn("{} refactoring scan(s) got no answer within {}", expired, props.scanTimeout());
        }
    }

    private void open(Forge forge, Item item) {
        // Opened on an earlier try (the task is what failed): the same issue, whatever became of it.
        Forge.Issue issue = item.issueNumber() != null
                ? forge.issue(item.repository(), item.issueNumber())
                : forge.openIssue(
                        item.repository(),
                        new Forge.NewIssue(
                                item.title(),
                                item.body(),
                                List.of(webhook.triggerLabel(), props.label()),
                                "xp-fleet:refactor:" + item.fingerprint()));
        // The issue number first, in its own commit: the task's first step reads it to know the
        // task is a refactoring (a webhook for this issue may start the task before we do).
        jdbc.sql("UPDATE refactor_items SET issue_number = :n WHERE id = :id AND state = 'PLANNED'")
                .param("n", issue.number())
                .param("id", item.id())
                .update();
        tx.executeWithoutResult(status -> {
            Optional<Task> task = control.createUnlessActive(
                            new NewTask(
                                    item.repository(),
                                    issue.number(),
                                    issue.title(),
                                    issue.body(),
                                    TaskMode.LINEAR,
                                    NewTask.DEFAULT_MAX_ITERS,
                                    ACTOR),
                            false,
                            Map.of("refactoring", item.fingerprint(), "issue", issue.number()))
                    .or(() -> tasks.findActive(item.repository(), issue.number()));
            task.ifPresent(started -> jdbc.sql("""
                            UPDATE refactor_items SET state = 'OPENED', task_id = :task, opened_at = now()
                             WHERE id = :id AND state = 'PLANNED'
                            """)
                    .param("task", started.id())
                    .param("id", item.id())
                    .update());
        });
    }

    private record Item(
            UUID id,
            String repository,
            String fingerprint,
            String title,
            String body,
            Integer issueNumber,
            int attempts) {}
}
