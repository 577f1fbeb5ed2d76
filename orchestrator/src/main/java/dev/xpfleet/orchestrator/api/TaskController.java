package dev.xpfleet.orchestrator.api;

import dev.xpfleet.orchestrator.auth.ApiTokens;
import dev.xpfleet.orchestrator.budget.TokenBudgets;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/tasks")
class TaskController {

    private final TaskRepository tasks;
    private final TaskQueries queries;
    private final TaskCommands commands;
    private final TokenBudgets budgets;

    TaskController(TaskRepository tasks, TaskQueries queries, TaskCommands commands, TokenBudgets budgets) {
        this.tasks = tasks;
        this.queries = queries;
        this.commands = commands;
        this.budgets = budgets;
    }

    record CreateTask(String repository, String title, String body, String mode, Integer maxIters) {}

    @Operation(
            summary = "List tasks, newest first; filter by state and repository; a page: items, total, and the"
                    + " link to the next page (viewer)")
    @GetMapping
    Map<String, Object> list(
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String repository,
            @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        if (state != null) {
            TaskState.valueOf(state.toUpperCase(Locale.ROOT)); // refuses unknown states with a 400
        }
        if (page < 0 || size < 1 || size > 200) {
            throw new IllegalArgumentException("page must be >= 0 and size between 1 and 200");
        }
        String wanted = state == null ? null : state.toUpperCase(Locale.ROOT);
        List<Map<String, Object>> items = queries.list(wanted, repository, page, size);
        long total = queries.count(wanted, repository);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", items);
        answer.put("page", page);
        answer.put("size", size);
        answer.put("total", total);
        answer.put("next", (long) (page + 1) * size < total ? nextPage(wanted, repository, page + 1, size) : null);
        return answer;
    }

    private static String nextPage(String state, String repository, int page, int size) {
        StringBuilder link = new StringBuilder("/api/tasks?page=")
                .append(page)
                .append("&size=")
                .append(size);
        if (state != null) {
            link.append("&state=").append(state);
        }
        if (repository != null) {
            link.append("&repository=")
                    .append(java.net.URLEncoder.encode(repository, java.nio.charset.StandardCharsets.UTF_8));
        }
        return link.toString();
    }

    @Operation(summary = "One task: state, stage timestamps, iterations, token usage so far (viewer)")
    @GetMapping("/{id}")
    Map<String, Object> get(@PathVariable UUID id) {
        Task task = tasks.find(id).orElseThrow(() -> new TaskCommands.NotFoundException("no task " + id));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("task", task);
        view.put("usage", queries.usage(id));
        view.put("budget", budgets.forTask(id));
        view.put(
                "links",
                Map.of("timeline", "/api/tasks/" + id + "/timeline", "results", "/api/tasks/" + id + "/results"));
        return view;
    }

    @Operation(summary = "Audit entries and agent logs of a task, in order (viewer)")
    @GetMapping("/{id}/timeline")
    List<Map<String, Object>> timeline(@PathVariable UUID id) {
        tasks.find(id).orElseThrow(() -> new TaskCommands.NotFoundException("no task " + id));
        return queries.timeline(id);
    }

    @Operation(summary = "The agents' results of a task with their output, in order (viewer)")
    @GetMapping("/{id}/results")
    List<Map<String, Object>> results(@PathVariable UUID id) {
        tasks.find(id).orElseThrow(() -> new TaskCommands.NotFoundException("no task " + id));
        return queries.results(id);
    }

    @Operation(summary = "Create a task for a repository with a title and body (operator)")
    @PostMapping
    ResponseEntity<Task> create(@AuthenticationPrincipal ApiTokens.Caller caller, @RequestBody CreateTask body) {
        TaskMode mode = body.mode() == null
                ? TaskMode.LINEAR
                : TaskMode.valueOf(body.mode().toUpperCase(Locale.ROOT));
        Task task = commands.create(
                new NewTask(
                        body.repository(),
                        null,
                        body.title(),
                        body.body(),
                        mode,
                        body.maxIters() == null ? NewTask.DEFAULT_MAX_ITERS : body.maxIters(),
                        caller.name()),
                body.maxIters() != null);
        return ResponseEntity.created(URI.create("/api/tasks/" + task.id())).body(task);
    }

    @Operation(summary = "Cancel an active task (operator)")
    @PostMapping("/{id}/cancel")
    Task cancel(@AuthenticationPrincipal ApiTokens.Caller caller, @PathVariable UUID id) {
        return commands.cancel(id, caller.name());
    }

    record BudgetChange(Long tokens) {}

    @Operation(summary = "Set the task's own token budget, e.g. to resume a task blocked on it (operator)")
    @PostMapping("/{id}/budget")
    TokenBudgets.Budget budget(
            @AuthenticationPrincipal ApiTokens.Caller caller, @PathVariable UUID id, @RequestBody BudgetChange change) {
        tasks.find(id).orElseThrow(() -> new TaskCommands.NotFoundException("no task " + id));
        if (change == null || change.tokens() == null) {
            throw new IllegalArgumentException("body needs 'tokens', the task's new budget");
        }
        return commands.setBudget(id, change.tokens(), caller.name());
    }

    @Operation(summary = "Queue a failed or stuck task again (operator)")
    @PostMapping("/{id}/retry")
    Task retry(@AuthenticationPrincipal ApiTokens.Caller caller, @PathVariable UUID id) {
        return commands.retry(id, caller.name());
    }
}
