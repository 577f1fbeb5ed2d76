package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.sandbox.SandboxResult;

/**
 * One run of the repository's tests: passed only when the command completed with exit code 0.
 *
 * @param outcome the sandbox's outcome (COMPLETED, TIMEOUT, OUT_OF_MEMORY, ...)
 * @param tail the end of the output, what the model and the evidence see
 */
public record TestRun(boolean passed, String outcome, int exitCode, String tail, long millis) {

    static final int TAIL_CHARS = 4000;

    static TestRun of(SandboxResult result) {
        String output = result.output() == null ? "" : result.output();
        String tail = output.length() > TAIL_CHARS ? "..." + output.substring(output.length() - TAIL_CHARS) : output;
        boolean completed = result.outcome() == SandboxResult.Outcome.COMPLETED;
        return new TestRun(
                completed && result.exitCode() == 0, result.outcome().name(), result.exitCode(), tail, result.millis());
    }

    /** Failed the way a red test fails: the suite ran to its end and reported failures. */
    boolean failedCleanly() {
        return !passed && "COMPLETED".equals(outcome);
    }
}
