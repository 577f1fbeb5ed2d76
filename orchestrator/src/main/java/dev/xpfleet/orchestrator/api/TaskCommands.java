package dev.xpfleet.orchestrator.api;

import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.budget.TokenBudgets;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskControl;
import dev.xpfleet.orchestrator.task.TaskRepository;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What REST callers may do to tasks; each command is one transaction with its audit row. */
@Service
class TaskCommands {

    private final TaskRepository tasks;
    private final TaskControl control;
    private final AuditTrail audit;
    private final TokenBudgets budgets;

    TaskCommands(TaskRepository tasks, TaskControl control, AuditTrail audit, TokenBudgets budgets) {
        this.tasks = tasks;
        this.control = control;
        this.audit = audit;
        this.budgets = budgets;
    }

    /** @param explicitMaxIters whether the caller set max_iters (then the repository's does not apply) */
    Task create(NewTask request, boolean explicitMaxIters) {
        return control.create(request, explicitMaxIters, Map.of("via", "api"));
    }

    @Transactional
    Task cancel(UUID id, String caller) {
        return control.cancel(found(id), caller, Map.of("via", "api"));
    }

    @Transactional
    Task retry(UUID id, String caller) {
        return control.retry(found(id), caller, Map.of("via", "api"));
    }

    private Task found(UUID id) {
        return tasks.find(id).orElseThrow(() -> new NotFoundException("no task " + id));
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
