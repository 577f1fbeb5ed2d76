package dev.xpfleet.orchestrator.task;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.outbox.Outbox;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue -> Code -> Test -> Review, as code: each method is one step, moves the task along the
 * transition table and writes the message for the next agent to the outbox, all in the caller's
 * transaction.
 */
@Component
public class TaskFlow {

    private final TaskRepository tasks;
    private final Outbox outbox;
    private final AuditTrail audit;

    public TaskFlow(TaskRepository tasks, Outbox outbox, AuditTrail audit) {
        this.tasks = tasks;
        this.outbox = outbox;
        this.audit = audit;
    }

    /** A queued task goes to its first agent: the developer, or the pair coordinator. */
    public Task start(Task queued) {
        if (queued.mode() == TaskMode.PAIR) {
            Task pairing = tasks.transition(queued, TaskState.PAIRING);
            send(AgentRole.PAIR, MessageTypes.PAIR_START, pairing, issuePayload(pairing));
            return pairing;
        }
        return develop(queued, null);
    }

    /**
     * Applies an agent's result to its task and hands the work on.
     *
     * @return the task after the step, or the task unchanged when the result was stale
     */
    public Task onResult(Task task, Envelope envelope, AgentResult result) {
        if (task.state().isTerminal() || envelope.iteration() != task.iteration()) {
            audit.record(
                    task.id(),
                    result.role(),
                    "result.stale",
                    Map.of(
                            "state",
                            task.state().name(),
                            "taskIteration",
                            task.iteration(),
                            "resultIteration",
                            envelope.iteration()));
            return task;
        }
        if (result.outcome() != AgentResult.Outcome.COMPLETED) {
            Task failed = tasks.transition(task, TaskState.FAILED);
            audit.record(
                    task.id(),
                    result.role(),
                    "task.failed",
                    Map.of("outcome", result.outcome().name(), "reason", String.valueOf(result.reason())));
            return failed;
        }
        JsonNode output = result.output();
        return switch (result.inputType()) {
            case MessageTypes.DEV_IMPLEMENT -> developed(task, output);
            case MessageTypes.QA_VERIFY ->
                "PASSED".equals(output.path("verdict").asString(""))
                        ? review(task, output)
                        : iterateOrStop(task, output, "qa");
            case MessageTypes.REVIEW_DIFF ->
                "APPROVE".equals(output.path("decision").asString(""))
                        ? approve(task)
                        : iterateOrStop(tasks.transition(task, TaskState.CHANGES_REQUESTED), output, "review");
            case MessageTypes.PAIR_START ->
                "ACCEPT".equals(output.path("decision").asString(""))
                        ? approve(task)
                        : needsHuman(task, "the navigator did not accept within max_iters");
            default -> {
                audit.record(task.id(), result.role(), "result.unexpected", Map.of("inputType", result.inputType()));
                yield task;
            }
        };
    }

    /** The approved change is on the forge as a pull request. */
    public Task pullRequestOpened(Task task, int number, String url) {
        Task open = tasks.transition(task, TaskState.PR_OPEN);
        audit.record(task.id(), "orchestrator", "pull_request.opened", Map.of("number", number, "url", url));
        return open;
    }

    /** The approved change could not be turned into a pull request; the reason is kept. */
    public Task forgeFailed(Task task, String reason) {
        Task failed = tasks.transition(task, TaskState.FAILED);
        audit.record(task.id(), "orchestrator", "forge.failed", Map.of("reason", reason));
        return failed;
    }

    /**
     * The fleet's pull request was closed on the forge: merged moves the task to MERGED, closed
     * without merging to CANCELLED.
     */
    public Task pullRequestClosed(Task task, boolean merged, String by) {
        Task closed = tasks.transition(task, merged ? TaskState.MERGED : TaskState.CANCELLED);
        audit.record(
                task.id(),
                by,
                merged ? "pull_request.merged" : "pull_request.closed",
                Map.of("from", task.state().name()));
        return closed;
    }

    /** A reviewer asked for changes on the fleet's open pull request: another iteration, if any are left. */
    public Task pullRequestChangesRequested(Task task, JsonNode feedback, String by) {
        Task changes = tasks.transition(task, TaskState.CHANGES_REQUESTED);
        audit.record(task.id(), by, "pull_request.changes_requested", Map.of("iteration", task.iteration()));
        return iterateOrStop(changes, feedback, "pull request review");
    }

    private Task develop(Task task, JsonNode feedback) {
        Task developing = tasks.transition(task, TaskState.DEVELOPING);
        ObjectNode payload = issuePayload(developing);
        if (feedback != null) {
            payload.set("feedback", feedback);
        }
        send(AgentRole.DEV, MessageTypes.DEV_IMPLEMENT, developing, payload);
        return developing;
    }

    /**
     * The developer's answer: a patch to test, or a stop. NEEDS_HUMAN carries the rule or limit
     * that stopped it; BLOCKED_BUDGET means the gateway refused a call and has parked the task
     * already.
     */
    private Task developed(Task task, JsonNode devOutput) {
        String status = devOutput.path("status").asString("DONE");
        return switch (status) {
            case "NEEDS_HUMAN" ->
                needsHuman(task, "developer: " + devOutput.path("reason").asString("no reason given"));
            case "BLOCKED_BUDGET" -> {
                audit.record(
                        task.id(),
                        "dev",
                        "result.budget_blocked",
                        Map.of("state", task.state().name()));
                yield task.state() == TaskState.DEVELOPING ? tasks.transition(task, TaskState.BLOCKED_BUDGET) : task;
            }
            default -> test(task, devOutput);
        };
    }

    private Task test(Task task, JsonNode devOutput) {
        Task testing = tasks.transition(task, TaskState.TESTING);
        send(AgentRole.QA, MessageTypes.QA_VERIFY, testing, stepPayload(testing, devOutput));
        return testing;
    }

    private Task review(Task task, JsonNode qaOutput) {
        Task reviewing = tasks.transition(task, TaskState.REVIEWING);
        send(AgentRole.REVIEW, MessageTypes.REVIEW_DIFF, reviewing, stepPayload(reviewing, qaOutput));
        return reviewing;
    }

    private Task approve(Task task) {
        Task approved = tasks.transition(task, TaskState.APPROVED);
        audit.record(task.id(), "orchestrator", "task.approved", Map.of("iteration", task.iteration()));
        return approved;
    }

    /** Another iteration with the feedback, unless max_iters is reached. */
    private Task iterateOrStop(Task task, JsonNode feedback, String from) {
        if (task.iteration() >= task.maxIters()) {
            return needsHuman(task, from + " still not satisfied after " + task.maxIters() + " iterations");
        }
        return develop(task, feedback);
    }

    private Task needsHuman(Task task, String why) {
        Task parked = tasks.transition(task, TaskState.NEEDS_HUMAN);
        audit.record(task.id(), "orchestrator", "task.needs_human", Map.of("why", why));
        return parked;
    }

    private void send(AgentRole role, String type, Task task, ObjectNode payload) {
        outbox.enqueue(role, Envelope.create(type, task.id(), task.iteration(), payload));
    }

    private static ObjectNode issuePayload(Task task) {
        ObjectNode payload = EnvelopeCodec.mapper().createObjectNode();
        payload.put("repository", task.repository());
        payload.put("mode", task.mode().name());
        payload.put("maxIters", task.maxIters());
        ObjectNode issue = payload.putObject("issue");
        if (task.issueNumber() != null) {
            issue.put("number", task.issueNumber());
        }
        // Untrusted: written by the issue's author; agents treat it as data, never as instructions.
        issue.put("title", task.title());
        issue.put("body", task.body());
        return payload;
    }

    private static ObjectNode stepPayload(Task task, JsonNode previous) {
        ObjectNode payload = EnvelopeCodec.mapper().createObjectNode();
        payload.put("repository", task.repository());
        payload.set("previous", previous);
        return payload;
    }
}
