package dev.xpfleet.orchestrator.task;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.outbox.Outbox;
import dev.xpfleet.orchestrator.pair.PairSessions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A pair session as turns, all through the outbox: the coordinator decides each turn ({@code
 * pair.start}, then {@code pair.turn} after every step), its fenced answer asks for the driver
 * (the developer), a navigator (QA, the reviewer), accepts or stops; each agent's answer becomes
 * the next {@code pair.turn}. The task stays PAIRING and counts one iteration per proposal, so an
 * iteration's branch is {@code pair/<task>/iter<N>} and the accepted one goes to the forge as a
 * linear task's would. A session answer counts only when it answers the message the session waits
 * on (see {@link PairSessions#takeAnswer}): every step is applied once.
 */
@Component
class PairFlow {

    /**
     * Times a turn is asked for again before its task fails (each refused answer to it costs one;
     * each answer taken starts the count again).
     */
    static final int PAIR_RESTARTS = 3;

    private static final Set<String> NAVIGATORS = Set.of("both", "qa", "review");

    private final TaskRepository tasks;
    private final Outbox outbox;
    private final AuditTrail audit;
    private final StepOutputs outputs;
    private final PairSessions sessions;
    private final StepAudit stepAudit;
    private final RepositoryMaxIters maxIters;

    PairFlow(
            TaskRepository tasks,
            Outbox outbox,
            AuditTrail audit,
            StepOutputs outputs,
            PairSessions sessions,
            StepAudit stepAudit,
            RepositoryMaxIters maxIters) {
        this.tasks = tasks;
        this.outbox = outbox;
        this.audit = audit;
        this.outputs = outputs;
        this.sessions = sessions;
        this.stepAudit = stepAudit;
        this.maxIters = maxIters;
    }

    /** A new session for a task that has just entered PAIRING: its start goes to the coordinator. */
    void start(Task started) {
        UUID session = UuidV7.next();
        sessions.open(session, started.id());
        ObjectNode payload = TaskFlow.issuePayload(started);
        payload.put("iteration", started.iteration());
        send(
                AgentRole.PAIR,
                session,
                Envelope.create(MessageTypes.PAIR_START, started.id(), started.iteration(), payload));
    }

    /** A result of the task's pair session: the coordinator's decision or an agent's turn. */
    Task onResult(Task task, Envelope envelope, AgentResult result) {
        UUID session = envelope.sessionId();
        if (task.state() != TaskState.PAIRING
                || !sessions.isLatest(session, task.id())
                || !sessions.takeAnswer(session, result.inputEventId())) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("session", session.toString());
            detail.put("state", task.state().name());
            detail.put("inputType", result.inputType());
            detail.put("resultIteration", envelope.iteration());
            audit.record(task.id(), result.role(), "result.stale", detail);
            return task;
        }
        if (result.outcome() != AgentResult.Outcome.COMPLETED) {
            return fail(task, result.role(), result.outcome().name(), String.valueOf(result.reason()));
        }
        JsonNode output = result.output();
        if (!MessageTypes.PAIR_START.equals(result.inputType()) && !MessageTypes.PAIR_TURN.equals(result.inputType())) {
            stepAudit.record(task, result.role(), result.inputType(), output);
        }
        return switch (result.inputType()) {
            case MessageTypes.PAIR_START, MessageTypes.PAIR_TURN -> decided(task, session, output);
            case MessageTypes.DEV_IMPLEMENT -> proposed(task, session, output);
            case MessageTypes.QA_VERIFY -> turn(task, session, "test", output);
            case MessageTypes.REVIEW_DIFF -> {
                if ("BLOCKED_BUDGET".equals(output.path("decision").asString(""))) {
                    yield budgetBlocked(task, "review");
                }
                yield turn(task, session, "review", output);
            }
            default -> fail(task, result.role(), "UNEXPECTED", "a pair session got a result of " + result.inputType());
        };
    }

    /**
     * A coordinator's answer was refused (no current fencing token). If the session waits on the
     * message it answered, nobody else will answer it: the message is sent again (a new event; a
     * coordinator takes the lock and a newer token), up to {@link #PAIR_RESTARTS} times per turn,
     * then the task fails with the reason. An answer to anything else was superseded: nothing waits for it.
     */
    void refused(Task task, UUID session, UUID answered, String why) {
        if (task.state() != TaskState.PAIRING || !sessions.isLatest(session, task.id())) {
            return;
        }
        var waiting = sessions.waitingOn(session, answered);
        if (waiting.isEmpty()) {
            return;
        }
        int restarts = sessions.restarted(session);
        if (restarts > PAIR_RESTARTS) {
            fail(
                    task,
                    "orchestrator",
                    "PAIR_REFUSED",
                    "pair session " + session + ": a turn asked for again " + PAIR_RESTARTS + " times; last refused: "
                            + why);
            return;
        }
        Envelope before = waiting.get();
        audit.record(
                task.id(),
                "orchestrator",
                "pair.restarted",
                Map.of("session", session.toString(), "restart", restarts, "why", why, "type", before.type()));
        send(AgentRole.PAIR, session, Envelope.create(before.type(), task.id(), before.iteration(), before.payload()));
    }

    /** The driver's proposal: stops the session when the developer stopped, else the coordinator's turn. */
    private Task proposed(Task proposing, UUID session, JsonNode dev) {
        Task task = maxIters.apply(proposing, dev);
        String status = dev.path("status").asString("DONE");
        return switch (status) {
            case "NEEDS_HUMAN" ->
                needsHuman(task, session, "driver: " + dev.path("reason").asString("no reason given"));
            case "BLOCKED_BUDGET" -> budgetBlocked(task, "dev");
            default -> turn(task, session, "drive", dev);
        };
    }

    /**
     * The coordinator's decision for the session: {@code drive} (this iteration, or the next one with
     * the last navigation as feedback), {@code test}, {@code review}, {@code accept} or {@code stop}.
     * A decision that does not fit where the session is fails the task with the reason: a
     * coordinator that is wrong is never followed and never left waiting.
     */
    private Task decided(Task task, UUID session, JsonNode decision) {
        String action = decision.path("action").asString("");
        int iteration = decision.path("iteration").asInt(-1);
        String reason = decision.path("reason").asString("");
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("session", session.toString());
        detail.put("action", action);
        detail.put("iteration", iteration);
        detail.put("fence", decision.path("fence").asLong(-1));
        detail.put("reason", reason);
        audit.record(task.id(), AgentRole.PAIR.key(), "pair.decided", detail);
        JsonNode dev = outputs.of(task.id(), MessageTypes.DEV_IMPLEMENT, task.iteration(), started(task));
        boolean proposal = !dev.path("patch").asString("").isEmpty();
        String misfit = switch (action) {
            case "drive" ->
                iteration == task.iteration() || iteration == task.iteration() + 1
                        ? null
                        : "drive iteration " + iteration;
            case "test", "review", "accept" ->
                iteration != task.iteration()
                        ? action + " iteration " + iteration
                        : proposal ? null : action + " with no proposal in iteration " + iteration;
            case "stop" -> null;
            default -> "unknown action '" + action + "'";
        };
        if (misfit != null) {
            return fail(
                    task,
                    AgentRole.PAIR.key(),
                    "PAIR_DECISION_REFUSED",
                    "the coordinator asked for " + misfit + " while the session is at iteration " + task.iteration());
        }
        String pairRole = decision.path("pairRole").asString("");
        if (!pairRole.isEmpty() && !pairRole.equals("tests") && !pairRole.equals("code")) {
            return fail(
                    task,
                    AgentRole.PAIR.key(),
                    "PAIR_DECISION_REFUSED",
                    "the coordinator asked for a driver's turn as '" + pairRole + "'");
        }
        return switch (action) {
            case "drive" -> drive(task, session, iteration, pairRole);
            case "test" -> {
                ObjectNode payload = TaskFlow.issuePayload(task);
                payload.set("previous", dev);
                yield send(task, session, AgentRole.QA, MessageTypes.QA_VERIFY, payload);
            }
            case "review" -> {
                JsonNode qa = outputs.of(task.id(), MessageTypes.QA_VERIFY, task.iteration(), started(task));
                JsonNode earlier = outputs.before(task.id(), MessageTypes.REVIEW_DIFF, task.iteration(), started(task))
                        .path("history");
                yield send(
                        task,
                        session,
                        AgentRole.REVIEW,
                        MessageTypes.REVIEW_DIFF,
                        TaskFlow.reviewPayload(task, dev, qa, earlier));
            }
            case "accept" -> {
                Task approved = tasks.transition(task, TaskState.APPROVED);
                audit.record(
                        task.id(),
                        "orchestrator",
                        "pair.accepted",
                        Map.of(
                                "session",
                                session.toString(),
                                "iteration",
                                task.iteration(),
                                "branch",
                                TaskBranches.of(task)));
                audit.record(task.id(), "orchestrator", "task.approved", Map.of("iteration", task.iteration()));
                yield approved;
            }
            default ->
                needsHuman(task, session, "pair session stopped: " + (reason.isBlank() ? "no reason given" : reason));
        };
    }

    /**
     * The driver's turn: this iteration (the session's first, one whose proposal is asked for
     * again, or in ping-pong the turn that makes this iteration's new test pass), or the next one
     * with this iteration's last navigation as feedback, within max_iters.
     */
    private Task drive(Task task, UUID session, int iteration, String pairRole) {
        ObjectNode payload = TaskFlow.issuePayload(task);
        if (!pairRole.isEmpty()) {
            payload.put("pairRole", pairRole); // ping-pong: write the next failing test, or make it pass
        }
        if (iteration == task.iteration()) {
            return send(task, session, AgentRole.DEV, MessageTypes.DEV_IMPLEMENT, payload);
        }
        if (task.iteration() >= task.maxIters()) {
            return needsHuman(
                    task, session, "pair session stopped: max_iters (" + task.maxIters() + ") reached without accept");
        }
        JsonNode review = outputs.of(task.id(), MessageTypes.REVIEW_DIFF, task.iteration(), started(task));
        JsonNode feedback = review.isMissingNode()
                ? outputs.of(task.id(), MessageTypes.QA_VERIFY, task.iteration(), started(task))
                : review;
        Task next = tasks.nextPairIteration(task);
        audit.record(
                task.id(),
                "orchestrator",
                "pair.iteration",
                Map.of("session", session.toString(), "iteration", next.iteration()));
        payload = TaskFlow.issuePayload(next);
        if (!pairRole.isEmpty()) {
            payload.put("pairRole", pairRole);
        }
        if (!feedback.isMissingNode()) {
            payload.set("feedback", feedback);
        }
        return send(next, session, AgentRole.DEV, MessageTypes.DEV_IMPLEMENT, payload);
    }

    /**
     * The coordinator's turn after a step: the step, its output, the navigator the repository asked
     * for, and the iteration before's navigation (to see a session that stopped converging).
     */
    private Task turn(Task task, UUID session, String step, JsonNode output) {
        ObjectNode payload = TaskFlow.issuePayload(task);
        payload.put("iteration", task.iteration());
        payload.put("step", step);
        payload.set("output", output);
        JsonNode dev = "drive".equals(step)
                ? output
                : outputs.of(task.id(), MessageTypes.DEV_IMPLEMENT, task.iteration(), started(task));
        String navigator = dev.path("navigator").asString("both");
        payload.put("navigator", NAVIGATORS.contains(navigator) ? navigator : "both");
        if (dev.path("pingPong").asBoolean(false)) {
            payload.put("pingPong", true);
            ObjectNode driver = payload.putObject("driver"); // the iteration's latest driver turn
            driver.put("status", dev.path("status").asString("DONE"));
            driver.put("pairRole", dev.path("pairRole").asString(""));
        }
        ObjectNode before = payload.putObject("before");
        JsonNode test = outputs.of(task.id(), MessageTypes.QA_VERIFY, task.iteration() - 1, started(task));
        JsonNode review = outputs.of(task.id(), MessageTypes.REVIEW_DIFF, task.iteration() - 1, started(task));
        if (!test.isMissingNode()) {
            before.set("test", test);
        }
        if (!review.isMissingNode()) {
            before.set("review", review);
        }
        return send(task, session, AgentRole.PAIR, MessageTypes.PAIR_TURN, payload);
    }

    private Task send(Task task, UUID session, AgentRole role, String type, ObjectNode payload) {
        send(role, session, Envelope.create(type, task.id(), task.iteration(), payload));
        return task;
    }

    private void send(AgentRole role, UUID session, Envelope message) {
        if (message.payload() instanceof ObjectNode payload
                && tasks.find(message.taskId()).map(tasks::isRefactoring).orElse(false)) {
            payload.put("kind", "refactor"); // as TaskFlow does: a refactoring keeps its rules when paired
        }
        Envelope sent = message.withSessionId(session);
        outbox.enqueue(role, sent);
        sessions.waitFor(session, sent);
    }

    /** NEEDS_HUMAN with the session's iterations, their branches and what each step said. */
    private Task needsHuman(Task task, UUID session, String why) {
        Task parked = tasks.transition(task, TaskState.NEEDS_HUMAN);
        StringBuilder text = new StringBuilder(why);
        for (StepOutputs.SessionStep step : outputs.sessionSteps(session)) {
            text.append("\n- iteration ")
                    .append(step.iteration())
                    .append(" (")
                    .append(step.proposed() ? TaskBranches.of(task.atIteration(step.iteration())) : "no proposal")
                    .append("): ")
                    .append(step.summary());
        }
        audit.record(task.id(), "orchestrator", "task.needs_human", Map.of("why", text.toString()));
        return parked;
    }

    private Task budgetBlocked(Task task, String role) {
        audit.record(
                task.id(),
                role,
                "result.budget_blocked",
                Map.of("state", task.state().name()));
        return tasks.transition(task, TaskState.BLOCKED_BUDGET);
    }

    private Task fail(Task task, String role, String outcome, String reason) {
        Task failed = tasks.transition(task, TaskState.FAILED);
        audit.record(task.id(), role, "task.failed", Map.of("outcome", outcome, "reason", reason));
        return failed;
    }

    /** When the task was last queued: a retried task's session is compared with its own run. */
    private static java.time.Instant started(Task task) {
        return task.stageEnteredAt() == null ? null : task.stageEnteredAt().get(TaskState.QUEUED.name());
    }
}
