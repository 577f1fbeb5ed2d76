package dev.xpfleet.orchestrator.task;

import dev.xpfleet.orchestrator.audit.AuditTrail;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What people and budgets do to a task: create, cancel, retry, park. The one place, with {@link
 * TaskFlow} for the agents' steps, that moves a task; the webhook, the REST API and the gateway are
 * adapters that call it. Each command writes its audit row in the same transaction.
 */
@Service
public class TaskControl {

    private final TaskRepository tasks;
    private final TaskFlow flow;
    private final AuditTrail audit;

    public TaskControl(TaskRepository tasks, TaskFlow flow, AuditTrail audit) {
        this.tasks = tasks;
        this.flow = flow;
        this.audit = audit;
    }

    /**
     * Records a task, queues it and hands it to its first agent.
     *
     * @param keepMaxIters the creator set max_iters: a repository's {@code max-iters} does not replace it
     * @param detail what the audit row says about where the request came from
     * @throws TaskChangeException.ActiveTaskExists when the issue has an active task
     */
    @Transactional
    public Task create(NewTask request, boolean keepMaxIters, Map<String, ?> detail) {
        return createUnlessActive(request, keepMaxIters, detail)
                .orElseThrow(
                        () -> new TaskChangeException.ActiveTaskExists(request.repository(), request.issueNumber()));
    }

    /**
     * As {@link #create}, but an issue's active task is an answer, not an error: nothing is written
     * and the transaction stays usable. The task is recorded already in its first working state
     * (one statement, the same transition table), then audited and handed to its first agent.
     *
     * @return the started task, or empty when the issue has an active task
     */
    @Transactional
    public Optional<Task> createUnlessActive(NewTask request, boolean keepMaxIters, Map<String, ?> detail) {
        Optional<Task> started = tasks.createStarted(request, keepMaxIters, flow.firstState(request.mode()));
        started.ifPresent(task -> {
            audit.record(task.id(), request.createdBy(), "task.created", detail);
            flow.dispatch(task);
        });
        return started;
    }

    /** @throws TaskChangeException.IllegalTransition when the task is done or cancelled already */
    @Transactional
    public Task cancel(Task task, String actor, Map<String, ?> detail) {
        Task cancelled = tasks.transition(task, TaskState.CANCELLED);
        audit.record(task.id(), actor, "task.cancelled", withFrom(task, detail));
        return cancelled;
    }

    /** Queues a failed or parked task again and starts a new iteration. */
    @Transactional
    public Task retry(Task task, String actor, Map<String, ?> detail) {
        Task queued = tasks.transition(task, TaskState.QUEUED);
        audit.record(task.id(), actor, "task.retried", withFrom(task, detail));
        return flow.start(queued);
    }

    /**
     * Parks a task whose model call did not fit its budget. A task that cannot be parked (done, or
     * moved meanwhile by another step) is left as it is: the refused call is audited by the caller.
     */
    @Transactional
    public void blockForBudget(Task task) {
        if (!task.state().canMoveTo(TaskState.BLOCKED_BUDGET)) {
            return;
        }
        try {
            tasks.transition(task, TaskState.BLOCKED_BUDGET);
        } catch (TaskChangeException.StaleVersion stale) {
            // Another step moved the task meanwhile.
        }
    }

    private static Map<String, Object> withFrom(Task task, Map<String, ?> detail) {
        Map<String, Object> all = new LinkedHashMap<>(detail);
        all.put("from", task.state().name());
        return all;
    }
}
