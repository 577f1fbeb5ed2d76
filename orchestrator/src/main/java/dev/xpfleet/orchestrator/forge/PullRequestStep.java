package dev.xpfleet.orchestrator.forge;

import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.consumer.TraceContinuation;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceException;
import dev.xpfleet.common.workspace.Workspaces;
import dev.xpfleet.orchestrator.support.ClusterLock;
import dev.xpfleet.orchestrator.task.StepOutputs;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskBranches;
import dev.xpfleet.orchestrator.task.TaskChangeException;
import dev.xpfleet.orchestrator.task.TaskFlow;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * APPROVED -> the developer's patch on branch {@code agent/<task>} (pair: {@code
 * pair/<task>/iter<N>}) -> a pull request -> PR_OPEN, and, where {@code fleet.forge.auto-merge} says
 * so, merged -> MERGED. Runs on every replica; each step looks up what is already on the forge
 * first, so a retry after a crash, or two replicas at once, never push twice or open a second pull
 * request. The issue's status comment is kept by {@link StatusComments}.
 */
@Component
public class PullRequestStep {

    static final String STATUS_MARKER = "xp-fleet:status";
    private static final Logger log = LoggerFactory.getLogger(PullRequestStep.class);
    private static final int MAX_PATCH_BYTES = 5 * 1024 * 1024;

    private final ObjectProvider<Forge> forges;
    private final ClusterLock clusterLock;
    private final TaskRepository tasks;
    private final TaskFlow flow;
    private final JdbcClient jdbc;
    private final ArtifactStore artifacts;
    private final TransactionTemplate tx;
    private final ForgeProperties props;
    private final StepOutputs outputs;
    private final TraceContinuation tracing;

    PullRequestStep(
            ObjectProvider<Forge> forges,
            TaskRepository tasks,
            TaskFlow flow,
            JdbcClient jdbc,
            ArtifactStore artifacts,
            TransactionTemplate tx,
            ForgeProperties props,
            ClusterLock clusterLock,
            StepOutputs outputs,
            TraceContinuation tracing) {
        this.tracing = tracing;
        this.clusterLock = clusterLock;
        this.outputs = outputs;
        this.forges = forges;
        this.tasks = tasks;
        this.flow = flow;
        this.jdbc = jdbc;
        this.artifacts = artifacts;
        this.tx = tx;
        this.props = props;
    }

    @Scheduled(fixedDelayString = "${fleet.forge.step-interval:PT2S}")
    void scheduled() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Forge step round failed: {}", e.getMessage());
        }
    }

    /** One round over the tasks waiting for the forge. */
    public void runOnce() {
        // One replica at a time: two rounds at once could push, comment or merge the same task twice.
        clusterLock.runExclusively("pull-request-step", this::round);
    }

    private void round() {
        Forge forge = forges.getIfAvailable();
        if (forge == null) {
            return;
        }
        // Approved tasks first: pull requests left open (a conflict, a person's review) must not
        // keep new approvals waiting.
        List<UUID> waiting = jdbc.sql("""
                        SELECT id FROM tasks WHERE state = 'APPROVED' OR (state = 'PR_OPEN' AND :autoMerge)
                         ORDER BY state = 'APPROVED' DESC, updated_at LIMIT 20
                        """)
                .param("autoMerge", props.autoMerge())
                .query(UUID.class)
                .list();
        for (UUID id : waiting) {
            tasks.find(id).ifPresent(task -> {
                if (task.state() != TaskState.APPROVED) {
                    advance(forge, task); // a merge tried again: not a span every round
                    return;
                }
                // Opening (and merging) the pull request is part of the task's trace.
                try (TraceContinuation.Traced traced = tracing.resume(traceparentOf(task.id()), "forge pull-request")) {
                    advance(forge, task);
                }
            });
        }
        pushPairIterations(forge);
    }

    /** The traceparent of the task's newest message: where its trace stands. */
    private String traceparentOf(UUID task) {
        return jdbc.sql("SELECT envelope FROM outbox_events WHERE task_id = :t ORDER BY id DESC LIMIT 1")
                .param("t", task)
                .query(String.class)
                .optional()
                .map(PullRequestStep::traceparentIn)
                .orElse(null);
    }

    /** An unreadable row (the relay blocks those) only costs the span its parent. */
    private static String traceparentIn(String json) {
        try {
            return dev.xpfleet.common.stream.EnvelopeCodec.fromJson(json).traceparent();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Each proposal of a pair session on its own branch {@code pair/<task>/iter<N>}, once, as soon
     * as the driver made it (the accepted one is then the pull request's branch). A ping-pong test
     * turn's failing test is not a proposal: its iteration is pushed once the test passes.
     */
    private void pushPairIterations(Forge forge) {
        List<PairProposal> proposals = jdbc.sql("""
                        SELECT DISTINCT l.task_id, l.iter FROM agent_logs l JOIN tasks t ON t.id = l.task_id
                         WHERE t.mode = 'PAIR' AND t.state IN ('PAIRING', 'APPROVED', 'NEEDS_HUMAN')
                           AND t.updated_at > now() - interval '1 hour'
                           AND l.session_id IS NOT NULL AND l.input_type = 'dev.implement' AND l.outcome = 'COMPLETED'
                           AND l.output->>'patch' IS NOT NULL
                           AND (COALESCE(l.output->>'pairRole', '') <> 'tests' OR l.output->>'status' = 'TESTS_DONE')
                           AND NOT EXISTS (SELECT 1 FROM forge_pushes p WHERE p.task_id = l.task_id AND p.iteration = l.iter)
                         ORDER BY l.task_id, l.iter
                         LIMIT 20
                        """)
                .query((rs, i) -> new PairProposal(rs.getObject("task_id", UUID.class), rs.getInt("iter")))
                .list();
        for (PairProposal proposal : proposals) {
            tasks.find(proposal.task()).ifPresent(task -> {
                try {
                    pushIteration(forge, task.atIteration(proposal.iteration()));
                } catch (ForgeException | WorkspaceException | IllegalArgumentException e) {
                    log.warn(
                            "Task {}: iteration {}'s branch not pushed yet: {}",
                            task.id(),
                            proposal.iteration(),
                            e.getMessage());
                }
            });
        }
    }

    private record PairProposal(UUID task, int iteration) {}

    private void advance(Forge forge, Task task) {
        try {
            String pushed = pushIteration(forge, task);
            Forge.PullRequest pr = pullRequestFor(forge, task);
            if (pr.state() == Forge.State.CLOSED) {
                // A person closed the fleet's pull request: that ends the task, never a new one.
                change(
                        task,
                        current -> current.state() == TaskState.PR_OPEN
                                ? flow.pullRequestClosed(current, false, "forge")
                                : current);
                return;
            }
            if (task.state() == TaskState.APPROVED) {
                postReview(forge, task, pr, pushed);
                change(
                        task,
                        current -> flow.pullRequestOpened(current, pr.number(), pr.repository() + "#" + pr.number()));
            }
            if (props.autoMerge()) {
                Forge.PullRequest merged = forge.merge(task.repository(), pr.number(), props.mergeMethod(), pushed);
                change(
                        task,
                        current -> current.state() == TaskState.PR_OPEN
                                ? flow.pullRequestClosed(current, true, "xp-fleet")
                                : current);
                log.info("Task {}: pull request #{} merged as {}", task.id(), merged.number(), merged.mergeCommit());
            }
        } catch (ForgeException.MergeConflict e) {
            // Left open for a person; the status comment keeps saying the pull request is open.
            log.warn("Task {}: {}", task.id(), e.getMessage());
        } catch (ForgeException.Transient e) {
            // Rate limited, unreachable: the task stays where it is and the next round tries again.
            log.warn("Task {}: forge unavailable, trying again later: {}", task.id(), e.getMessage());
        } catch (ForgeException | WorkspaceException | IllegalArgumentException e) {
            log.warn("Task {} cannot go to the forge: {}", task.id(), e.getMessage());
            change(
                    task,
                    current -> current.state() == TaskState.APPROVED
                            ? flow.forgeFailed(current, e.getMessage())
                            : current);
        }
    }

    /**
     * The commit of the task's current iteration on its branch: pushed once per iteration (a new
     * iteration replaces the branch, and so what its open pull request shows), recorded so a retry
     * or another replica does not build it again.
     *
     * @return the commit the branch must show
     */
    private String pushIteration(Forge forge, Task task) throws WorkspaceException {
        Optional<String> recorded = jdbc.sql("SELECT commit_id FROM forge_pushes WHERE task_id = :t AND iteration = :i")
                .param("t", task.id())
                .param("i", task.iteration())
                .query(String.class)
                .optional();
        if (recorded.isPresent()) {
            return recorded.get();
        }
        String branch = TaskBranches.of(task);
        Forge.RepositoryInfo info = forge.repository(task.repository());
        if (info.headCommit() == null) {
            throw new ForgeException(task.repository() + " has no commits to change");
        }
        String patch = patch(task);
        String commit;
        try (Workspace workspace = new Workspaces(props.workspaceRoot())
                .cloneAt(
                        forge.cloneUri(task.repository()),
                        info.headCommit(),
                        forge.cloneCredentials(task.repository()))) {
            workspace.applyDiff(patch);
            commit = workspace.commit(
                    "Task " + task.id() + " iteration " + task.iteration() + ": " + firstLine(task.title()),
                    "xp-fleet",
                    "fleet@localhost");
            forge.pushBranch(task.repository(), branch, workspace.gitDir(), commit);
        } catch (IOException e) {
            throw new ForgeException("cannot clean up the workspace: " + e.getMessage(), e);
        }
        jdbc.sql("""
                        INSERT INTO forge_pushes (task_id, iteration, branch, commit_id) VALUES (:t, :i, :b, :c)
                        ON CONFLICT (task_id, iteration) DO UPDATE SET commit_id = :c, pushed_at = now()
                        """)
                .param("t", task.id())
                .param("i", task.iteration())
                .param("b", branch)
                .param("c", commit)
                .update();
        return commit;
    }

    /**
     * The reviewer's result for this iteration as a review on the pull request, once (the forge
     * keeps it by marker); what an earlier iteration's posted review said is not said again.
     */
    private void postReview(Forge forge, Task task, Forge.PullRequest pr, String commit) {
        JsonNode review = latestOutput(task, "review.diff");
        if (review.isMissingNode() || review.isNull()) {
            return;
        }
        int postedUpTo = jdbc.sql(
                        "SELECT COALESCE(MAX(iteration), 0) FROM forge_review_posts WHERE task_id = :t AND iteration < :i")
                .param("t", task.id())
                .param("i", task.iteration())
                .query(Integer.class)
                .single();
        try {
            forge.postReview(task.repository(), pr.number(), ReviewComments.of(task, review, commit, postedUpTo));
            jdbc.sql("INSERT INTO forge_review_posts (task_id, iteration) VALUES (:t, :i) ON CONFLICT DO NOTHING")
                    .param("t", task.id())
                    .param("i", task.iteration())
                    .update();
        } catch (ForgeException.Transient e) {
            throw e; // the round is tried again
        } catch (ForgeException e) {
            // The change is approved and pushed; a review the forge refuses does not undo that.
            log.warn("Task {}: the review could not be posted on #{}: {}", task.id(), pr.number(), e.getMessage());
        }
    }

    /** The task's pull request: the open one of its branch (or, once opened, its latest), else a new one. */
    private Forge.PullRequest pullRequestFor(Forge forge, Task task) {
        String branch = TaskBranches.of(task);
        Optional<Forge.PullRequest> existing = forge.findPullRequest(task.repository(), branch);
        if (existing.isPresent()
                && (existing.get().state() != Forge.State.CLOSED || task.state() == TaskState.PR_OPEN)) {
            return existing.get();
        }
        Forge.RepositoryInfo info = forge.repository(task.repository());
        return forge.openPullRequest(
                task.repository(),
                new Forge.NewPullRequest(branch, info.defaultBranch(), firstLine(task.title()), body(task), task.id()));
    }

    /** The developer's patch of this iteration, from the artifact store; only this task's artifacts. */
    private String patch(Task task) {
        JsonNode dev = latestOutput(task, "dev.implement");
        String key = dev.path("patch").asString("");
        if (!key.startsWith("tasks/" + task.id() + "/")) {
            throw new ForgeException("the developer's result names no patch of this task (got '" + key + "')");
        }
        try {
            byte[] bytes = artifacts.get(key).orElseThrow(() -> new ForgeException("patch " + key + " is missing"));
            if (bytes.length > MAX_PATCH_BYTES) {
                throw new ForgeException("patch " + key + " is larger than 5 MB");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ForgeException("cannot read patch " + key + ": " + e.getMessage(), e);
        }
    }

    private JsonNode latestOutput(Task task, String inputType) {
        return outputs.of(task.id(), inputType, task.iteration());
    }

    private String body(Task task) {
        return PullRequestBody.of(
                task,
                latestOutput(task, "dev.implement"),
                latestOutput(task, "qa.verify"),
                latestOutput(task, "review.diff"),
                outputs.tokens(task.id()));
    }

    /** Applies a change to the task as it is now, in a transaction; a concurrent change wins. */
    private void change(Task task, java.util.function.UnaryOperator<Task> step) {
        try {
            tx.executeWithoutResult(s -> tasks.find(task.id()).ifPresent(step::apply));
        } catch (TaskChangeException e) {
            log.info("Task {} moved meanwhile: {}", task.id(), e.getMessage());
        }
    }

    static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("").strip();
        return line.length() > 120 ? line.substring(0, 120) : line;
    }
}
