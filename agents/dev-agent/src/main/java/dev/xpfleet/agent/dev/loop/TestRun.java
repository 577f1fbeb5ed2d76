package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.sandbox.SandboxResult;
import dev.xpfleet.common.testreport.TestReports.Outcome;
import dev.xpfleet.common.testreport.TestReports.TestCase;
import java.util.List;

/**
 * One run of the repository's tests. With a JUnit report (pytest, node), the report decides which
 * tests failed; without one (a custom command), the exit code alone.
 *
 * @param outcome the sandbox's outcome (COMPLETED, TIMEOUT, OUT_OF_MEMORY, ...)
 * @param tail the end of the output, what the model and the evidence see
 * @param cases the report's test cases, empty when there was no report
 */
public record TestRun(
        boolean completed,
        int exitCode,
        String outcome,
        String tail,
        long millis,
        boolean reported,
        List<TestCase> cases) {

    static final int TAIL_CHARS = 4000;

    static TestRun of(SandboxResult result, boolean reported, List<TestCase> cases) {
        String output = result.output() == null ? "" : result.output();
        String tail = output.length() > TAIL_CHARS ? "..." + output.substring(output.length() - TAIL_CHARS) : output;
        return new TestRun(
                result.outcome() == SandboxResult.Outcome.COMPLETED,
                result.exitCode(),
                result.outcome().name(),
                tail,
                result.millis(),
                reported,
                List.copyOf(cases));
    }

    /** Ran to the end, exit code 0, and no test in the reports failed. */
    public boolean passed() {
        return completed && exitCode == 0 && failing().isEmpty();
    }

    /**
     * Failed the way a red test fails: the suite ran to its end and tests failed (by assertion, or
     * at collection for a missing symbol); a run that collected nothing is not red.
     */
    boolean failedCleanly() {
        // With reports, they decide (Maven runs with failures ignored, so its exit code is 0); without,
        // a non-zero exit (a compile error for a missing symbol leaves no report).
        return completed && (reported ? !failing().isEmpty() : exitCode != 0);
    }

    /** Ids ({@code classname#name}) of the tests that failed or erred. */
    public List<String> failing() {
        return cases.stream()
                .filter(c -> c.outcome() == Outcome.FAILED || c.outcome() == Outcome.ERROR)
                .map(TestCase::id)
                .toList();
    }

    /** Ids of the tests that passed. */
    public List<String> passing() {
        return cases.stream()
                .filter(c -> c.outcome() == Outcome.PASSED)
                .map(TestCase::id)
                .toList();
    }

    /**
     * Whether a test that failed in red passes in this run. A failure at collection (pytest names it
     * {@code #module}) counts as passed when some test of that module passed.
     */
    boolean passes(String redId) {
        if (redId.startsWith("#")) {
            String module = redId.substring(1);
            return passing().stream().anyMatch(id -> id.startsWith(module + "#") || id.startsWith(module + "."));
        }
        return passing().contains(redId);
    }
}
