package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.agent.dev.loop.LoopOutcome.Status;
import dev.xpfleet.agent.dev.tools.Action;
import dev.xpfleet.agent.dev.tools.ActionParser;
import dev.xpfleet.agent.dev.tools.RefusedException;
import dev.xpfleet.agent.dev.tools.ToolSchemas;
import dev.xpfleet.agent.dev.tools.WorkspaceTools;
import dev.xpfleet.common.model.ModelCallException;
import dev.xpfleet.common.model.ModelGatewayClient.Message;
import dev.xpfleet.common.model.ModelGatewayClient.ToolCall;
import dev.xpfleet.common.sandbox.SandboxResult;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The developer's controller: a loop of model turns in which the model reads and edits through
 * tools, and the controller owns every rule (the phases in {@link Phases}, the paths and the change
 * in {@link ChangeGuard}). Limits on turns, time and tokens end the iteration with the reason
 * instead of spending more.
 */
public final class DevLoop {

    /** One model turn; {@code turn} names it (with the task and iteration) so it is never paid twice. */
    public interface Model {
        Turn ask(List<Message> messages, int turn, int maxTokens);
    }

    /** A model's answer: text (parsed as one action), or native tool calls (each an action). */
    public record Turn(
            String text,
            long promptTokens,
            long completionTokens,
            long callId,
            boolean repeated,
            List<ToolCall> toolCalls) {

        public Turn {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }

        public Turn(String text, long promptTokens, long completionTokens, long callId, boolean repeated) {
            this(text, promptTokens, completionTokens, callId, repeated, List.of());
        }
    }

    private final Model model;
    private final WorkspaceTools tools;
    private final SandboxRuns runs;
    private final ChangeGuard guard;
    private final LoopLimits limits;
    private final Workspace workspace;
    private final Ledger ledger = new Ledger();
    private final Phases phases;

    public DevLoop(
            Model model,
            WorkspaceTools tools,
            SandboxRuns runs,
            ChangeGuard guard,
            LoopLimits limits,
            Workspace workspace) {
        this.model = model;
        this.tools = tools;
        this.runs = runs;
        this.guard = guard;
        this.limits = limits;
        this.workspace = workspace;
        this.phases = new Phases(runs, guard, limits, workspace, ledger);
    }

    public LoopOutcome run(Brief brief) throws IOException, WorkspaceException {
        LoopOutcome cannotStart = phases.start(brief.firstIteration(), brief.turn(), brief.refactoring());
        if (cannotStart != null) {
            return cannotStart;
        }
        List<Message> messages =
                new ArrayList<>(List.of(Message.system(Prompts.SYSTEM), Message.user(Prompts.brief(brief))));
        long deadline = System.nanoTime() + limits.wallTime().toNanos();
        for (int turn = 1; turn <= limits.turns(); turn++) {
            if (System.nanoTime() > deadline) {
                return stop("wall time limit of " + limits.wallTime() + " reached");
            }
            if (ledger.tokens() >= limits.tokens()) {
                return stop("token limit of " + limits.tokens() + " reached");
            }
            Turn answer;
            try {
                answer = model.ask(List.copyOf(messages), turn, limits.maxAnswerTokens());
            } catch (ModelCallException e) {
                if (e.budgetExceeded()) {
                    return ledger.end(Status.BLOCKED_BUDGET, e.getMessage(), phases.red(), null);
                }
                if (permanent(e)) {
                    return stop("the model gateway refused turn " + turn + ": " + e.getMessage());
                }
                throw e; // transient: the step is retried, paid turns are answered from the archive
            }
            ledger.turn(answer);
            String status =
                    "\n[" + phases.phase() + " phase; test runs left %d; turns left " + (limits.turns() - turn) + "]";
            if (answer.toolCalls().isEmpty()) {
                messages.add(Message.assistant(answer.text()));
                Step step = act(ActionParser.parse(answer.text()));
                if (step.outcome() != null) {
                    return step.outcome();
                }
                messages.add(Message.user(step.observation() + status.formatted(phases.runsLeft())));
                continue;
            }
            // Native tool calls: each is answered, in order, by a tool message (the protocol wants
            // an answer for every call); an ending action ends the iteration at once.
            messages.add(Message.assistant(answer.text(), answer.toolCalls()));
            for (ToolCall call : answer.toolCalls()) {
                Step step = act(ToolSchemas.action(call));
                if (step.outcome() != null) {
                    return step.outcome();
                }
                messages.add(Message.tool(call.id(), step.observation() + status.formatted(phases.runsLeft())));
            }
        }
        return stop("turn limit of " + limits.turns() + " reached");
    }

    private LoopOutcome stop(String why) {
        return ledger.end(Status.NEEDS_HUMAN, why + " in the " + phases.phase() + " phase", phases.red(), null);
    }

    /** A refusal that asking again will not change (bad request, too long a context, a recording's end). */
    private static boolean permanent(ModelCallException e) {
        return "replay_miss".equals(e.type())
                || (e.status() >= 400
                        && e.status() < 500
                        && e.status() != 408
                        && e.status() != 409
                        && e.status() != 429);
    }

    private Step act(Action action) {
        try {
            return switch (action) {
                case Action.Malformed malformed -> {
                    ledger.malformed();
                    yield Step.observe("Your answer could not be used: " + malformed.reason());
                }
                case Action.Edits edits -> Step.observe(edit(edits));
                case Action.Call call -> call(call);
            };
        } catch (RefusedException e) {
            ledger.refused();
            return Step.observe("REFUSED: " + e.getMessage());
        } catch (IOException | java.io.UncheckedIOException e) {
            // The workspace said no (a directory where a file was asked for, say): the model hears it.
            ledger.refused();
            return Step.observe("ERROR: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private String edit(Action.Edits edits) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Action.Edit edit : edits.edits()) {
            try {
                guard.allowedIn(phases.phase(), edit.path(), false);
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

    private Step call(Action.Call call) throws RefusedException, IOException, WorkspaceException {
        var args = call.arguments();
        return switch (call.tool()) {
            case "list" -> Step.observe(tools.list(args.path("path").asString("")));
            case "read" ->
                Step.observe(tools.read(
                        args.path("path").asString(""),
                        args.path("start").asInt(1),
                        args.path("end").asInt(0)));
            case "search" -> Step.observe(tools.search(args.path("text").asString("")));
            case "delete" -> {
                guard.allowedIn(phases.phase(), args.path("path").asString(""), true);
                yield Step.observe(tools.delete(args.path("path").asString("")));
            }
            case "run" -> Step.observe(command(args.path("command").asString("")));
            case "run_tests" -> Step.observe(phases.runTests());
            case "submit" -> {
                ledger.summary(args.path("summary").asString(null));
                yield phases.submit();
            }
            case "give_up" ->
                Step.end(ledger.end(
                        Status.NEEDS_HUMAN,
                        "the developer gave up in the " + phases.phase() + " phase: "
                                + Prompts.data(args.path("reason").asString("no reason given")),
                        phases.red(),
                        null));
            default -> throw new RefusedException("there is no tool '" + call.tool() + "'");
        };
    }

    private String command(String command) throws RefusedException {
        if (command.isBlank()) {
            throw new RefusedException("run needs a \"command\"");
        }
        SandboxResult result = runs.command(workspace.dir(), command);
        String output = result.output() == null ? "" : result.output();
        String tail = output.length() > TestRun.TAIL_CHARS
                ? "..." + output.substring(output.length() - TestRun.TAIL_CHARS)
                : output;
        return (result.outcome() == SandboxResult.Outcome.COMPLETED ? "exit " + result.exitCode() : result.reason())
                + "\n" + tail;
    }
}
