package dev.xpfleet.orchestrator.refactor;

import dev.xpfleet.orchestrator.forge.Forge;
import dev.xpfleet.orchestrator.forge.ForgeException;
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
 * at a time across them; a forge that fails leaves the item planned for the next round.
 */
@Component
class RefactorIssues {

    static final String ACTOR = "refactor";
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
        Forge forge = forges.getIfAvailable();
        if (forge == null) {
            return;
        }
        List<Item> planned = jdbc.sql("""
                        SELECT id, repository, fingerprint, title, body FROM refactor_items
                         WHERE state = 'PLANNED' ORDER BY created_at, id LIMIT 20
                        """)
                .query((rs, i) -> new Item(
                        rs.getObject("id", UUID.class),
                        rs.getString("repository"),
                        rs.getString("fingerprint"),
                        rs.getString("title"),
                        rs.getString("body")))
                .list();
        for (Item item : planned) {
            try {
                open(forge, item);
            } catch (ForgeException | IllegalArgumentException e) {
                log.warn(
                        "Refactoring {} of {} not opened yet: {}",
                        item.fingerprint(),
                        item.repository(),
                        e.getMessage());
            }
        }
    }

    private void open(Forge forge, Item item) {
        Forge.Issue issue = forge.openIssue(
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

    private record Item(UUID id, String repository, String fingerprint, String title, String body) {}
}
