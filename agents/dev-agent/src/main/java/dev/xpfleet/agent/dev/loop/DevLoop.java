package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.agent.dev.loop.LoopOutcome.Phase;
import dev.xpfleet.agent.dev.loop.LoopOutcome.Status;
import dev.xpfleet.agent.dev.tools.Action;
import dev.xpfleet.agent.dev.tools.ActionParser;
import dev.xpfleet.agent.dev.tools.RefusedException;
import dev.xpfleet.agent.dev.tools.WorkspaceTools;
import dev.xpfleet.common.model.ModelCallException;
import dev.xpfleet.common.model.ModelGatewayClient.Message;
import dev.xpfleet.common.sandbox.SandboxResult;
import dev.xpfleet.common.workspace.WorkspaceException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The developer's controller: a loop of model turns in which the model reads and edits through
 * tools, and the controller owns every rule. Red phase: test files only, and the tests must fail in
 * the sandbox; green phase: production code only, and they must pass. Limits on turns, time,
 * tokens, test runs and patch size end the iteration with the reason instead of spending more.
 */
public final class DevLoop {

    private static final Logger log = LoggerFactory.getLogger(DevLoop.class);

    /** One model turn; {@code turn} names it (with the task and iteration) so it is never paid twice. */
    public interface Model {
        Turn ask(List<Message> messages, int turn, int maxTokens);
    }

    public record Turn(String text, long promptTokens, long completionTokens, long callId, boolean repeated) {}

    private final Model model;
    private final WorkspaceTools tools;
    private final SandboxRuns runs;
    private final ChangeGuard guard;
    private final LoopLimits limits;
    private final Path workspace;
    private final Ledger ledger = new Ledger();

    private Phase phase = Phase.RED;
    private int runsThisPhase;
    private TestRun red;
    private boolean startFailed;

    public DevLoop(
            Model model, WorkspaceTools tools, SandboxRuns runs, ChangeGuard guard, LoopLimits limits, Path workspace) {
        this.model = model;
        this.tools = tools;
        this.runs = runs;
        this.guard = guard;
        this.limits = limits;
        this.workspace = workspace;
    }

    public LoopOutcome run(Brief brief) throws IOException, WorkspaceException {
        TestRun base = runs.tests(workspace);
        ledger.run(Phase.BASE, base);
        startFailed = !base.passed();
        if (brief.firstIteration() && !base.passed()) {
            return ledger.end(
                    Status.NEEDS_HUMAN,
                    "the tests do not pass on the base commit, so a failing test would prove" + " nothing ("
                            + base.outcome() + ", exit " + base.exitCode() + "):\n" + base.tail(),
                    red,
                    null);
        }
        List<Message> messages =
                new ArrayList<>(List.of(Message.system(Prompts.SYSTEM), Message.user(Prompts.brief(brief))));
        long deadline = System.nanoTime() + limits.wallTime().toNanos();
        for (int turn = 1; turn <= limits.turns(); turn++) {
            if (System.nanoTime() > deadline) {
                return ledger.end(
                        Status.NEEDS_HUMAN,
                        "wall time limit of " + limits.wallTime() + " reached in the " + phase + " phase",
                        red,
                        null);
            }
            if (ledger.tokens() >= limits.tokens()) {
                return ledger.end(
                        Status.NEEDS_HUMAN,
                        "token limit of " + limits.tokens() + " reached in the " + phase + " phase",
                        red,
                        null);
            }
            Turn answer;
            try {
                answer = model.ask(List.copyOf(messages), turn, limits.maxAnswerTokens());
            } catch (ModelCallException e) {
                if (e.budgetExceeded()) {
                    return ledger.end(Status.BLOCKED_BUDGET, e.getMessage(), red, null);
                }
                if (permanent(e)) {
                    return ledger.end(
                            Status.NEEDS_HUMAN,
                            "the model gateway refused turn " + turn + ": " + e.getMessage(),
                            red,
                            null);
                }
                throw e; // transient: the step is retried, paid turns are answered from the archive
            }
            ledger.turn(answer);
            messages.add(Message.assistant(answer.text()));
            Step step = act(ActionParser.parse(answer.text()));
            if (step.outcome() != null) {
                return step.outcome();
            }
            messages.add(Message.user(step.observation() + "\n[" + phase + " phase; test runs left "
                    + (limits.testRunsPerPhase() - runsThisPhase) + "; turns left " + (limits.turns() - turn) + "]"));
        }
        return ledger.end(
                Status.NEEDS_HUMAN,
                "turn limit of " + limits.turns() + " reached in the " + phase + " phase",
                red,
                null);
    }

    /** What a turn led to: an observation for the model, or the end of the iteration. */
    private record Step(String observation, LoopOutcome outcome) {

        static Step observe(String text) {
            return new Step(text, null);
        }
    }

    /** A refusal that asking again will not change (bad request, too long a context). */
    private static boolean permanent(ModelCallException e) {
        return e.status() >= 400 && e.status() < 500 && e.status() != 408 && e.status() != 409 && e.status() != 429;
    }

    private Step act(Action action) throws WorkspaceException {
        try {
            return dispatch(action);
        } catch (IOException | java.io.UncheckedIOException e) {
            // The workspace said no (a directory where a file was asked for, say): the model hears it.
            ledger.refused();
            return Step.observe("ERROR: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Step dispatch(Action action) throws IOException, WorkspaceException {
        return switch (action) {
            case Action.Malformed malformed -> {
                ledger.malformed();
                yield Step.observe("Your answer could not be used: " + malformed.reason());
            }
            case Action.Edits edits -> Step.observe(edit(edits));
            case Action.Call call -> call(call);
        };
    }

    private String edit(Action.Edits edits) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Action.Edit edit : edits.edits()) {
            try {
                guard.allowedIn(phase, edit.path(), false);
                out.append(tools.edit(edit));
            } catch (RefusedException e) {
                ledger.refused();
                return out.append("REFUSED: ")
                        .append(e.getMessage())
                        .append(" (later blocks in this answer not applied)\n")
                        .toString();
            }
        }
        return out.toString();
    }

    private Step call(Action.Call call) throws IOException, WorkspaceException {
        var args = call.arguments();
        try {
            return switch (call.tool()) {
                case "list" -> Step.observe(tools.list(args.path("path").asString("")));
                case "read" ->
                    Step.observe(tools.read(
                            args.path("path").asString(""),
                            args.path("start").asInt(1),
                            args.path("end").asInt(0)));
                case "search" -> Step.observe(tools.search(args.path("text").asString("")));
                case "delete" -> {
                    guard.allowedIn(phase, args.path("path").asString(""), true);
                    yield Step.observe(tools.delete(args.path("path").asString("")));
                }
                case "run" -> Step.observe(command(args.path("command").asString("")));
                case "run_tests" -> Step.observe(runTests());
                case "submit" -> submit();
                case "give_up" ->
                    new Step(
                            null,
                            ledger.end(
                                    Status.NEEDS_HUMAN,
                                    "the developer gave up in the " + phase + " phase: "
                                            + Prompts.data(args.path("reason").asString("no reason given")),
                                    red,
                                    null));
                default -> throw new RefusedException("there is no tool '" + call.tool() + "'");
            };
        } catch (RefusedException e) {
            ledger.refused();
            return Step.observe("REFUSED: " + e.getMessage());
        }
    }

    private String command(String command) throws RefusedException {
        if (command.isBlank()) {
            throw new RefusedException("run needs a \"command\"");
        }
        SandboxResult result = runs.command(workspace, command);
        String output = result.output() == null ? "" : result.output();
        String tail = output.length() > TestRun.TAIL_CHARS
                ? "..." + output.substring(output.length() - TestRun.TAIL_CHARS)
                : output;
        return (result.outcome() == SandboxResult.Outcome.COMPLETED ? "exit " + result.exitCode() : result.reason())
                + "\n" + tail;
    }

    private String runTests() throws RefusedException, IOException {
        TestRun run = countedRun();
        return (run.passed() ? "tests PASS" : "tests FAIL (" + run.outcome() + ", exit " + run.exitCode() + ")") + "\n"
                + run.tail();
    }

    private TestRun countedRun() throws RefusedException, IOException {
        if (runsThisPhase >= limits.testRunsPerPhase()) {
            throw new RefusedException("no test runs left in the " + phase + " phase");
        }
        runsThisPhase++;
        TestRun run = runs.tests(workspace);
        ledger.run(phase, run);
        return run;
    }

    private Step submit() throws RefusedException, IOException, WorkspaceException {
        guard.checkChange(phase, limits, startFailed);
        if (runsThisPhase >= limits.testRunsPerPhase()) {
            return new Step(
                    null,
                    ledger.end(
                            Status.NEEDS_HUMAN,
                            phase == Phase.RED
                                    ? "red phase: all " + runsThisPhase
                                            + " test runs used and no test proven failing for the missing behaviour"
                                    : "green phase: all " + runsThisPhase
                                            + " test runs used and the tests not proven passing",
                            red,
                            null));
        }
        TestRun run = countedRun();
        if (phase == Phase.RED) {
            if (run.passed()) {
                throw new RefusedException("the tests PASS without any production change: a test that passes already"
                        + " proves nothing. Make a test fail because the behaviour the issue asks for is missing.");
            }
            if (!run.failedCleanly()) {
                throw new RefusedException(
                        "the tests did not run to the end (" + run.outcome() + "); fix that first:\n" + run.tail());
            }
            red = run;
            guard.freezeTests();
            phase = Phase.GREEN;
            runsThisPhase = 0;
            log.info("Red phase proven: the new tests fail ({} ms)", run.millis());
            return Step.observe("RED confirmed, the tests fail:\n" + run.tail()
                    + "\nYou are now in the GREEN phase: change production code so that every test passes.");
        }
        if (!run.passed()) {
            return Step.observe(
                    "The tests still FAIL (" + run.outcome() + ", exit " + run.exitCode() + "):\n" + run.tail());
        }
        List<String> notPassing =
                red.failing().stream().filter(id -> !run.passes(id)).toList();
        if (!notPassing.isEmpty()) {
            throw new RefusedException("tests that failed in RED did not run and pass now: " + notPassing
                    + "; they must pass, not be skipped or left out");
        }
        log.info("Green phase proven: the tests pass ({} ms)", run.millis());
        return new Step(null, ledger.end(Status.DONE, null, red, run));
    }
}
