package dev.xpfleet.orchestrator.task;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.outbox.Outbox;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
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
    private final StepOutputs outputs;
    private final PairFlow pairFlow;
    private final StepAudit stepAudit;
    private final RepositoryMaxIters maxIters;

    TaskFlow(
            TaskRepository tasks,
            Outbox outbox,
            AuditTrail audit,
            StepOutputs outputs,
            PairFlow pairFlow,
            StepAudit stepAudit,
            RepositoryMaxIters maxIters) {
        this.tasks = tasks;
        this.outbox = outbox;
        this.audit = audit;
        this.outputs = outputs;
        this.pairFlow = pairFlow;
        this.stepAudit = stepAudit;
        this.maxIters = maxIters;
    }

    /** A queued task goes to its first agent: the developer, or the pair coordinator. */
    public Task start(Task queued) {
        Task started = tasks.transition(queued, firstState(queued.mode()));
        dispatch(started);
        return started;
    }

    /** The state a queued task of this mode moves to first. */
    TaskState firstState(TaskMode mode) {
        return mode == TaskMode.PAIR ? TaskState.PAIRING : TaskState.DEVELOPING;
    }

    /**
     * Writes the first agent's message for a task already in its {@link #firstState}: the
     * developer's, or a pair session's start (see {@link PairFlow}).
     */
    void dispatch(Task started) {
        if (started.mode() == TaskMode.PAIR) {
            pairFlow.start(started);
        } else {
            sendDevelop(started, null);
        }
    }

    /**
     * A pair coordinator's answer was refused (no current fencing token): see {@link
     * PairFlow#refused}.
     */
    public void pairResultRefused(Task task, UUID session, UUID answered, String why) {
        pairFlow.refused(task, session, answered, why);
    }

    /**
     * Applies an agent's result to its task and hands the work on.
     *
     * @return the task after the step, or the task unchanged when the result was stale
     */
    public Task onResult(Task task, Envelope envelope, AgentResult result) {
        if (envelope.sessionId() != null && task.mode() == TaskMode.PAIR) {
            return pairFlow.onResult(task, envelope, result);
        }
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
        stepAudit.record(task, result.role(), result.inputType(), output);
        return switch (result.inputType()) {
            case MessageTypes.DEV_IMPLEMENT -> developed(task, output);
            case MessageTypes.QA_VERIFY ->
                "PASSED".equals(output.path("verdict").asString("")) ? review(task, output) : qaFailed(task, output);
            case MessageTypes.REVIEW_DIFF -> reviewed(task, output);
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
        if (task.mode() == TaskMode.PAIR) {
            // Its pull request is the accepted iteration's branch; a person decides how the session
            // goes on (`/agent retry` pairs again from the accepted iteration).
            return needsHuman(
                    changes,
                    "changes were asked for on the pair session's pull request (iteration " + task.iteration()
                            + "); /agent retry starts a new session from it");
        }
        return iterateOrStop(changes, feedback, "pull request review");
    }

    private Task develop(Task task, JsonNode feedback) {
        Task developing = tasks.transition(task, TaskState.DEVELOPING);
        sendDevelop(developing, feedback);
        return developing;
    }

    private void sendDevelop(Task developing, JsonNode feedback) {
        ObjectNode payload = issuePayload(developing);
        if (feedback != null) {
            payload.set("feedback", feedback);
        }
        send(AgentRole.DEV, MessageTypes.DEV_IMPLEMENT, developing, payload);
    }

    /**
     * The developer's answer: a patch to test, or a stop. NEEDS_HUMAN carries the rule or limit
     * that stopped it; BLOCKED_BUDGET means the gateway refused a call and has parked the task
     * already.
     */
    private Task developed(Task developedTask, JsonNode devOutput) {
        Task task = maxIters.apply(developedTask, devOutput);
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
            default -> {
                List<Integer> same = outputs.iterationsWithPatch(
                        task.id(), devOutput.path("patchHash").asString(""), task.iteration(), started(task));
                yield same.isEmpty()
                        ? test(task, devOutput)
                        : needsHuman(
                                task,
                                "not converging: iteration " + task.iteration() + "'s change is the same as iteration "
                                        + same.get(0) + "'s");
            }
        };
    }

    /** QA failed: another iteration, unless the same tests fail as in the iteration before. */
    private Task qaFailed(Task task, JsonNode qa) {
        JsonNode before = outputs.of(task.id(), MessageTypes.QA_VERIFY, task.iteration() - 1, started(task));
        Set<String> failing = strings(qa.path("failing"));
        // Only against the iteration just before in this run, and only when both lists are whole
        // (QA names at most 50).
        if (!failing.isEmpty()
                && qa.path("failing").size() < MAX_FAILING_LISTED
                && before.path("failing").size() < MAX_FAILING_LISTED
                && "FAILED".equals(before.path("verdict").asString(""))
                && failing.equals(strings(before.path("failing")))) {
            return needsHuman(
                    task,
                    "not converging: the same " + failing.size() + " test(s) fail as in the iteration before ("
                            + String.join(", ", failing.stream().limit(5).toList()) + ")");
        }
        return iterateOrStop(task, qa, "qa");
    }

    /**
     * The reviewer's verdict: approved, a person's turn, a spent budget, or changes, which go back
     * to the developer unless the same blocking findings stand unresolved as in the review before.
     */
    private Task reviewed(Task task, JsonNode review) {
        String decision = review.path("decision").asString("");
        switch (decision) {
            case "APPROVE" -> {
                return approve(task);
            }
            case "NEEDS_HUMAN" -> {
                return needsHuman(task, "review: " + review.path("reason").asString("no reason given"));
            }
            case "BLOCKED_BUDGET" -> {
                audit.record(
                        task.id(),
                        "review",
                        "result.budget_blocked",
                        Map.of("state", task.state().name()));
                return task.state() == TaskState.REVIEWING ? tasks.transition(task, TaskState.BLOCKED_BUDGET) : task;
            }
            default -> {
                Task changes = tasks.transition(task, TaskState.CHANGES_REQUESTED);
                Set<String> blocking = strings(review.path("blocking"));
                JsonNode before = outputs.before(task.id(), MessageTypes.REVIEW_DIFF, task.iteration(), started(task));
                if (!blocking.isEmpty() && blocking.equals(strings(before.path("blocking")))) {
                    return needsHuman(
                            changes,
                            "not converging: the review's " + blocking.size()
                                    + " blocking finding(s) stand unresolved after another iteration");
                }
                return iterateOrStop(changes, review, "review");
            }
        }
    }

    private static final int MAX_FAILING_LISTED = 50;

    /** When the task was last queued: comparisons stay within its latest run. */
    private static java.time.Instant started(Task task) {
        return task.stageEnteredAt() == null ? null : task.stageEnteredAt().get(TaskState.QUEUED.name());
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(v -> values.add(v.asString("")));
        values.remove("");
        return values;
    }

    private Task test(Task task, JsonNode devOutput) {
        Task testing = tasks.transition(task, TaskState.TESTING);
        send(AgentRole.QA, MessageTypes.QA_VERIFY, testing, stepPayload(testing, devOutput));
        return testing;
    }

    /**
     * The reviewer gets what it needs without going back: the issue, the developer's patch and base,
     * QA's output (with its report's key) and the findings history of the previous review.
     */
    private Task review(Task task, JsonNode qaOutput) {
        Task reviewing = tasks.transition(task, TaskState.REVIEWING);
        JsonNode dev = outputs.of(task.id(), MessageTypes.DEV_IMPLEMENT, task.iteration());
        JsonNode earlier = outputs.before(task.id(), MessageTypes.REVIEW_DIFF, task.iteration(), null)
                .path("history");
        send(AgentRole.REVIEW, MessageTypes.REVIEW_DIFF, reviewing, reviewPayload(reviewing, dev, qaOutput, earlier));
        return reviewing;
    }

    /**
     * What the reviewer gets: the issue, the developer's patch and base, QA's output (with its
     * report's key; missing when QA did not run) and the findings history of the previous review.
     */
    static ObjectNode reviewPayload(Task reviewing, JsonNode dev, JsonNode qaOutput, JsonNode earlierHistory) {
        ObjectNode payload = issuePayload(reviewing);
        payload.put("patch", dev.path("patch").asString(""));
        payload.put("patchHash", dev.path("patchHash").asString(""));
        payload.put("baseCommit", dev.path("baseCommit").asString(""));
        payload.set("qa", qaOutput);
        payload.set("previous", qaOutput);
        payload.set(
                "earlierFindings",
                earlierHistory.isArray()
                        ? earlierHistory
                        : EnvelopeCodec.mapper().createArrayNode());
        return payload;
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
        if (tasks.isRefactoring(task)) {
            // The developer pins behaviour first, QA wants no behaviour change: said here, where the
            // refactoring was opened, never read from the issue's text.
            payload.put("kind", "refactor");
        }
        outbox.enqueue(role, Envelope.create(type, task.id(), task.iteration(), payload));
    }

    static ObjectNode issuePayload(Task task) {
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
