package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.budget.BudgetExceededException;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskControl;
import dev.xpfleet.orchestrator.task.TaskRepository;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Parks a task whose model call did not fit its budget, with an audit entry naming the budget. */
@Component
class BudgetBlocker {

    private final TaskRepository tasks;
    private final TaskControl control;
    private final AuditTrail audit;

    BudgetBlocker(TaskRepository tasks, TaskControl control, AuditTrail audit) {
        this.tasks = tasks;
        this.control = control;
        this.audit = audit;
    }

    @Transactional
    void block(UUID taskId, String role, BudgetExceededException e) {
        Task task = tasks.find(taskId).orElse(null);
        if (task == null) {
            return;
        }
        audit.record(
                taskId,
                role,
                "budget.exceeded",
                Map.of(
                        "budget", e.scope().label(),
                        "key", e.scopeKey(),
                        "limit", e.limit(),
                        "used", e.used(),
                        "reserved", e.reserved(),
                        "requested", e.requested()));
        control.blockForBudget(task);
    }
}
