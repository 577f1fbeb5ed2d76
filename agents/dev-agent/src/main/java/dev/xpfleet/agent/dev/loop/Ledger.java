package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.agent.dev.loop.LoopOutcome.Phase;
import dev.xpfleet.agent.dev.loop.LoopOutcome.PhaseRun;
import dev.xpfleet.agent.dev.loop.LoopOutcome.Status;
import java.util.ArrayList;
import java.util.List;

/** What an iteration has spent and seen so far; turns it into the outcome at the end. */
final class Ledger {

    private int turns;
    private long promptTokens;
    private long completionTokens;
    /** All tokens the turns' contexts held, repeated turns included: what the limit counts. */
    private long contextTokens;

    private int refusals;
    private int malformed;
    private int repeated;
    private final List<PhaseRun> runs = new ArrayList<>();
    private final List<Long> callIds = new ArrayList<>();
    private String summary;

    static final int MAX_SUMMARY_CHARS = 4000;

    void turn(DevLoop.Turn turn) {
        turns++;
        contextTokens += turn.promptTokens() + turn.completionTokens();
        if (turn.repeated()) {
            // Answered from the archive of an earlier delivery: paid then, not now.
            repeated++;
        } else {
            promptTokens += turn.promptTokens();
            completionTokens += turn.completionTokens();
        }
        if (turn.callId() > 0) {
            callIds.add(turn.callId());
        }
    }

    void run(Phase phase, TestRun run) {
        runs.add(new PhaseRun(phase, run.passed(), run.outcome(), run.exitCode(), run.millis()));
    }

    void refused() {
        refusals++;
    }

    void malformed() {
        malformed++;
    }

    /** The model's own account of its change (untrusted), from its latest submit that gave one. */
    void summary(String text) {
        if (text != null && !text.isBlank()) {
            summary = text.length() > MAX_SUMMARY_CHARS ? text.substring(0, MAX_SUMMARY_CHARS) : text;
        }
    }

    long tokens() {
        return contextTokens;
    }

    LoopOutcome end(Status status, String reason, TestRun red, TestRun green) {
        return new LoopOutcome(
                status,
                reason,
                turns,
                promptTokens,
                completionTokens,
                refusals,
                malformed,
                repeated,
                red,
                green,
                List.copyOf(runs),
                List.copyOf(callIds),
                summary);
    }
}
