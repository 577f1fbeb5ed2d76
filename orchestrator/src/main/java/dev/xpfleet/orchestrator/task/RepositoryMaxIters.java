package dev.xpfleet.orchestrator.task;

import dev.xpfleet.orchestrator.audit.AuditTrail;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** A repository's own iteration limit, as its developer found it, for linear tasks and pair sessions. */
@Component
class RepositoryMaxIters {

    private final TaskRepository tasks;
    private final AuditTrail audit;

    RepositoryMaxIters(TaskRepository tasks, AuditTrail audit) {
        this.tasks = tasks;
        this.audit = audit;
    }

    /**
     * The repository's {@code max-iters} (from its base tree's {@code .fleet.yml}, as the developer
     * read it) for a task whose creator set none.
     */
    Task apply(Task task, JsonNode devOutput) {
        JsonNode wanted = devOutput.path("maxIters");
        if (!wanted.isInt() || wanted.asInt() < 1 || wanted.asInt() > 50 || wanted.asInt() == task.maxIters()) {
            return task;
        }
        Task changed = tasks.repositoryMaxIters(task, wanted.asInt());
        if (changed != task) {
            audit.record(
                    task.id(),
                    "orchestrator",
                    "task.max_iters",
                    Map.of("from", task.maxIters(), "to", changed.maxIters(), "source", ".fleet.yml"));
        }
        return changed;
    }
}
