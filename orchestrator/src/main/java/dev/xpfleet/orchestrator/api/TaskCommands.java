package dev.xpfleet.orchestrator.api;

import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.budget.TokenBudgets;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskFlow;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What REST callers may do to tasks; each command is one transaction with its audit row. */
@Service
class TaskCommands {

    private final TaskRepository tasks;
    private final TaskFlow flow;
    private final AuditTrail audit;
    private final TokenBudgets budgets;

    TaskCommands(TaskRepository tasks, TaskFlow flow, AuditTrail audit, TokenBudgets budgets) {
        this.tasks = tasks;
        this.flow = flow;
        this.audit = audit;
        this.budgets = budgets;
    }

    /** @param explicitMaxIters whether the caller set max_iters (then the repository's does not apply) */
    @Transactional
    Task create(NewTask request, boolean explicitMaxIters) {
        Task created = tasks.create(request);
        if (explicitMaxIters) {
            tasks.keepMaxIters(created.id());
        }
        audit.record(created.id(), request.createdBy(), "task.created", Map.of("via", "api"));
        return flow.start(tasks.transition(created, TaskState.QUEUED));
    }

    @Transactional
    Task cancel(UUID id, String caller) {
        Task task = tasks.find(id).orElseThrow(() -> new NotFoundException("no task " + id));
        Task cancelled = tasks.transition(task, TaskState.CANCELLED);
        audit.record(id, caller, "task.cancelled", Map.of("from", task.state().name(), "via", "api"));
        return cancelled;
    }

    @Transactional
    Task retry(UUID id, String caller) {
        Task task = tasks.find(id).orElseThrow(() -> new NotFoundException("no task " + id));
        Task queued = tasks.transition(task, TaskState.QUEUED);
        audit.record(id, caller, "task.retried", Map.of("from", task.state().name(), "via", "api"));
        return flow.start(queued);
    }

    @Transactional
    TokenBudgets.Budget setBudget(UUID id, long tokens, String caller) {
        TokenBudgets.Budget before = budgets.forTask(id);
        TokenBudgets.Budget after = budgets.setTaskLimit(id, tokens);
        audit.record(id, caller, "budget.changed", Map.of("from", before.limit(), "to", tokens, "via", "api"));
        return after;
    }

    static final class NotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFoundException(String message) {
            super(message);
        }
    }
}
