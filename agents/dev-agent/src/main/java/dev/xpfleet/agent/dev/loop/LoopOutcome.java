package dev.xpfleet.agent.dev.loop;

import java.util.List;

/**
 * How an iteration of the developer ended, with its evidence and its cost.
 *
 * @param status DONE (red then green proven; in a ping-pong test turn, red proven), TESTS_DONE (a
 *     ping-pong test turn that found the tests complete: no change), NEEDS_HUMAN (a rule or a
 *     limit stopped it, with the reason) or BLOCKED_BUDGET (the gateway refused a call)
 * @param red the run that showed the new tests failing before the production change
 * @param green the run that showed them passing after it
 * @param runs every test run, in order
 * @param promptTokens prompt tokens paid in this delivery (turns answered again from the archive
 *     after a redelivery were paid before and are counted in {@code repeatedCalls} instead)
 * @param callIds the gateway's ids of the model calls (their archived exchanges)
 * @param summary the model's account of its change, from its submit (untrusted), or null
 */
public record LoopOutcome(
        Status status,
        String reason,
        int turns,
        long promptTokens,
        long completionTokens,
        int refusals,
        int malformed,
        int repeatedCalls,
        TestRun red,
        TestRun green,
        List<PhaseRun> runs,
        List<Long> callIds,
        String summary) {

    public enum Status {
        DONE,
        TESTS_DONE,
        NEEDS_HUMAN,
        BLOCKED_BUDGET
    }

    /** A test run and the phase it belonged to. */
    public record PhaseRun(Phase phase, boolean passed, String outcome, int exitCode, long millis) {}

    public enum Phase {
        BASE,
        RED,
        GREEN
    }
}
