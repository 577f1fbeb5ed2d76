package dev.xpfleet.agent.dev.loop;

import java.time.Duration;

/**
 * What one iteration of the developer may spend, beside the gateway's own token budgets.
 *
 * @param turns model calls
 * @param wallTime from the first turn to the last
 * @param tokens prompt plus completion tokens, as the gateway reports them
 * @param testRunsPerPhase test runs in the red phase, and again in the green one
 * @param patchLines lines of the unified diff
 * @param patchFiles files the change touches
 * @param maxAnswerTokens completion tokens asked for per turn
 */
public record LoopLimits(
        int turns,
        Duration wallTime,
        long tokens,
        int testRunsPerPhase,
        int patchLines,
        int patchFiles,
        int maxAnswerTokens) {

    public static LoopLimits defaults() {
        return new LoopLimits(30, Duration.ofMinutes(20), 200_000, 3, 2_000, 25, 4_096);
    }
}
