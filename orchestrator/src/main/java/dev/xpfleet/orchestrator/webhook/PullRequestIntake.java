package dev.xpfleet.orchestrator.webhook;

import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskBranches;
import dev.xpfleet.orchestrator.task.TaskFlow;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pull_request} closed and {@code pull_request_review} submitted, for pull requests the
 * fleet opened: those whose head branch is a fleet branch of a task of this repository, pushed to
 * this repository (not a fork). Runs inside {@link WebhookIntake}'s transaction.
 */
@Component
class PullRequestIntake {

    private final TaskRepository tasks;
    private final TaskFlow flow;
    private final WebhookProperties props;
    private final AuditTrail audit;

    PullRequestIntake(TaskRepository tasks, TaskFlow flow, WebhookProperties props, AuditTrail audit) {
        this.audit = audit;
        this.tasks = tasks;
        this.flow = flow;
        this.props = props;
    }

    IntakeResult handle(Delivery d) {
        boolean closed = "pull_request".equals(d.event()) && "closed".equals(d.action());
        boolean reviewed = "pull_request_review".equals(d.event()) && "submitted".equals(d.action());
        if (!closed && !reviewed) {
            return IntakeResult.ignored(d.event() + "." + d.action() + " is not acted on");
        }
        JsonNode pr = d.payload().path("pull_request");
        Optional<Task> task = fleetTask(d, pr);
        if (task.isEmpty()) {
            return IntakeResult.ignored("not a pull request the fleet opened");
        }
        return closed ? onClosed(d, pr, task.get()) : onReview(d, pr, task.get());
    }

    private Optional<Task> fleetTask(Delivery d, JsonNode pr) {
        JsonNode head = pr.path("head");
        String headRepo = Delivery.text(head.path("repo"), "full_name");
        if (d.repository() == null || !d.repository().equals(headRepo)) {
            return Optional.empty();
        }
        Optional<UUID> id = TaskBranches.taskOf(Delivery.text(head, "ref"));
        return id.flatMap(tasks::find).filter(t -> t.repository().equals(d.repository()));
    }

    private IntakeResult onClosed(Delivery d, JsonNode pr, Task task) {
        boolean merged = pr.path("merged").asBoolean(false);
        TaskState to = merged ? TaskState.MERGED : TaskState.CANCELLED;
        if (!task.state().canMoveTo(to)) {
            return new IntakeResult("IGNORED", task.id(), "pull request closed while the task is " + task.state());
        }
        Task after = flow.pullRequestClosed(task, merged, d.sender());
        return new IntakeResult(merged ? "TASK_MERGED" : "TASK_CANCELLED", after.id(), task.state() + " -> " + to);
    }

    private IntakeResult onReview(Delivery d, JsonNode pr, Task task) {
        JsonNode review = d.payload().path("review");
        if (!"changes_requested".equalsIgnoreCase(Delivery.text(review, "state"))) {
            return new IntakeResult("IGNORED", task.id(), "review without requested changes");
        }
        if (!props.trusts(Delivery.text(review, "author_association"), d.sender())) {
            String why = "changes requested by an untrusted reviewer";
            audit.record(
                    task.id(),
                    d.sender(),
                    "command.refused",
                    Map.of("delivery", d.id(), "pullRequest", pr.path("number").asInt(), "why", why));
            return new IntakeResult("REFUSED_UNTRUSTED", task.id(), why);
        }
        if (task.state() != TaskState.PR_OPEN) {
            return new IntakeResult("IGNORED", task.id(), "changes requested while the task is " + task.state());
        }
        ObjectNode feedback = EnvelopeCodec.mapper().createObjectNode();
        feedback.put("source", "pull_request_review");
        feedback.put("pullRequest", pr.path("number").asInt());
        feedback.put("reviewer", d.sender());
        // Untrusted: the reviewer's words are data for the developer agent, never instructions to obey.
        feedback.put("body", Optional.ofNullable(Delivery.text(review, "body")).orElse(""));
        Task after = flow.pullRequestChangesRequested(task, feedback, d.sender());
        return new IntakeResult("TASK_ITERATING", after.id(), "changes requested -> " + after.state());
    }
}
