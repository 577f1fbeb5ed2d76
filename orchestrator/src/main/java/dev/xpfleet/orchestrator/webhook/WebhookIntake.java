package dev.xpfleet.orchestrator.webhook;

import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.StatusRequested;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskChangeException;
import dev.xpfleet.orchestrator.task.TaskControl;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Turns one verified delivery into at most one task change, in one transaction with its delivery
 * row and audit rows. Work starts only for trusted authors: the issue's author for labels (it is
 * their text the agents will read), the commenter for commands, or a login on the allowlist.
 */
@Service
class WebhookIntake {

    private final JdbcClient jdbc;
    private final TaskRepository tasks;
    private final AuditTrail audit;
    private final WebhookProperties props;
    private final TaskControl control;
    private final PullRequestIntake pullRequests;
    private final ApplicationEventPublisher events;

    WebhookIntake(
            JdbcClient jdbc,
            TaskRepository tasks,
            AuditTrail audit,
            WebhookProperties props,
            TaskControl control,
            PullRequestIntake pullRequests,
            ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.tasks = tasks;
        this.audit = audit;
        this.props = props;
        this.control = control;
        this.pullRequests = pullRequests;
        this.events = events;
    }

    @Transactional
    IntakeResult handle(Delivery delivery) {
        boolean first = jdbc.sql("""
                                INSERT INTO webhook_deliveries (delivery_id, event, action, repository, sender, outcome)
                                VALUES (:id, :event, :action, :repository, :sender, 'RECEIVED')
                                ON CONFLICT (delivery_id) DO NOTHING
                                """)
                        .param("id", delivery.id())
                        .param("event", delivery.event())
                        .param("action", delivery.action())
                        .param("repository", delivery.repository())
                        .param("sender", delivery.sender())
                        .update()
                == 1;
        if (!first) {
            return new IntakeResult("DUPLICATE", null, "delivery already received");
        }
        IntakeResult result = decide(delivery);
        jdbc.sql(
                        "UPDATE webhook_deliveries SET outcome = :outcome, detail = :detail, task_id = :task WHERE delivery_id = :id")
                .param("outcome", result.outcome())
                .param("detail", result.detail())
                .param("task", result.taskId())
                .param("id", delivery.id())
                .update();
        return result;
    }

    private IntakeResult decide(Delivery d) {
        JsonNode issue = d.payload().path("issue");
        boolean hasIssue = issue.path("number").isInt() && d.repository() != null && d.sender() != null;
        return switch (d.event()) {
            case "ping" ->
                new IntakeResult(
                        "PONG", null, "hook " + d.payload().path("hook_id").asString(""));
            case "issues" ->
                hasIssue && ("opened".equals(d.action()) || "labeled".equals(d.action()))
                        ? onLabel(d, issue)
                        : IntakeResult.ignored("issues." + d.action() + " is not acted on");
            case "issue_comment" ->
                hasIssue && "created".equals(d.action())
                        ? onComment(d, issue)
                        : IntakeResult.ignored("issue_comment." + d.action() + " is not acted on");
            case "pull_request", "pull_request_review" -> pullRequests.handle(d);
            default -> IntakeResult.ignored(d.event() + " is not acted on");
        };
    }

    private IntakeResult onLabel(Delivery d, JsonNode issue) {
        TaskMode mode = modeFromLabels(d, issue);
        if (mode == null) {
            return IntakeResult.ignored("no '" + props.triggerLabel() + "' label");
        }
        if (!props.trusts(Delivery.text(issue, "author_association"), d.sender())) {
            return refuse(d, issue, "label on an issue by an untrusted author");
        }
        return start(d, issue, mode);
    }

    private TaskMode modeFromLabels(Delivery d, JsonNode issue) {
        Iterable<JsonNode> labels =
                "labeled".equals(d.action()) ? java.util.List.of(d.payload().path("label")) : issue.path("labels");
        TaskMode mode = null;
        for (JsonNode label : labels) {
            String name = Delivery.text(label, "name");
            if (props.pairLabel().equals(name)) {
                return TaskMode.PAIR;
            }
            if (props.triggerLabel().equals(name)) {
                mode = TaskMode.LINEAR;
            }
        }
        return mode;
    }

    private IntakeResult onComment(Delivery d, JsonNode issue) {
        JsonNode comment = d.payload().path("comment");
        String body =
                Optional.ofNullable(Delivery.text(comment, "body")).orElse("").strip();
        if (!body.startsWith("/agent")) {
            return IntakeResult.ignored("comment without a command");
        }
        String[] words = body.lines().findFirst().orElse("").split("\\s+");
        String command = words.length > 1 ? words[1].toLowerCase(Locale.ROOT) : "";
        if (!props.trusts(Delivery.text(comment, "author_association"), d.sender())) {
            return refuse(d, issue, "/agent " + command + " by an untrusted commenter");
        }
        String repo = d.repository();
        int number = issue.path("number").asInt();
        return switch (command) {
            case "run" -> start(d, issue, TaskMode.LINEAR);
            case "pair" -> start(d, issue, TaskMode.PAIR);
            case "cancel" ->
                tasks.findActive(repo, number)
                        .map(task -> change(d, task, TaskState.CANCELLED, "TASK_CANCELLED"))
                        .orElse(IntakeResult.ignored("no active task to cancel"));
            case "retry" ->
                tasks.findLatest(repo, number)
                        .filter(task -> task.state().canMoveTo(TaskState.QUEUED))
                        .map(task -> change(d, task, TaskState.QUEUED, "TASK_RETRIED"))
                        .orElse(IntakeResult.ignored("no failed or parked task to retry"));
            case "status" ->
                tasks.findLatest(repo, number)
                        .map(task -> {
                            events.publishEvent(new StatusRequested(task, d.sender(), d.id()));
                            return new IntakeResult(
                                    "STATUS_REQUESTED",
                                    task.id(),
                                    "answered in the task's status comment on the issue (when a forge is configured)");
                        })
                        .orElse(IntakeResult.ignored("no task for this issue: nothing to report"));
            default -> IntakeResult.ignored("unknown command '/agent " + command + "'");
        };
    }

    /**
     * Starts a task unless the issue has one: the insert is the active-task check, so the usual
     * case costs no extra read and two deliveries racing for one issue make one task.
     */
    private IntakeResult start(Delivery d, JsonNode issue, TaskMode mode) {
        int number = issue.path("number").asInt();
        // Empty only when the active task ended between the insert and the read: the issue is
        // free again, so once more.
        return startOnce(d, issue, mode, number)
                .or(() -> startOnce(d, issue, mode, number))
                .orElseThrow(() -> new TaskChangeException.ActiveTaskExists(d.repository(), number));
    }

    /** The task started, or the issue's active one; empty when neither was there to be had. */
    private Optional<IntakeResult> startOnce(Delivery d, JsonNode issue, TaskMode mode, int number) {
        return control.createUnlessActive(
                        new NewTask(
                                d.repository(),
                                number,
                                Optional.ofNullable(Delivery.text(issue, "title"))
                                        .orElse("(no title)"),
                                Delivery.text(issue, "body"),
                                mode,
                                props.defaultMaxIters(),
                                d.sender()),
                        false,
                        Map.of("delivery", d.id(), "mode", mode.name()))
                .map(started ->
                        new IntakeResult("TASK_CREATED", started.id(), mode + " task started: " + started.state()))
                .or(() -> tasks.findActive(d.repository(), number)
                        .map(active ->
                                new IntakeResult("ALREADY_ACTIVE", active.id(), "the issue has an active task")));
    }

    private IntakeResult change(Delivery d, Task task, TaskState to, String outcome) {
        Map<String, Object> detail = Map.of("delivery", d.id());
        Task changed = to == TaskState.QUEUED
                ? control.retry(task, d.sender(), detail)
                : control.cancel(task, d.sender(), detail);
        return new IntakeResult(outcome, changed.id(), task.state() + " -> " + to);
    }

    private IntakeResult refuse(Delivery d, JsonNode issue, String why) {
        audit.record(
                null,
                d.sender(),
                "command.refused",
                Map.of(
                        "delivery",
                        d.id(),
                        "repository",
                        d.repository(),
                        "issue",
                        issue.path("number").asInt(),
                        "why",
                        why));
        return new IntakeResult("REFUSED_UNTRUSTED", null, why);
    }
}
