package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.sandbox.SandboxResult;
import dev.xpfleet.common.testreport.TestReports.Outcome;
import dev.xpfleet.common.testreport.TestReports.TestCase;
import java.util.List;

/**
 * One run of the repository's tests. With JUnit reports (Maven, pytest, node), the reports say which
 * tests failed; without (a custom command, or a build that stopped before any test), the exit code.
 *
 * @param outcome the sandbox's outcome (COMPLETED, TIMEOUT, OUT_OF_MEMORY, ...)
 * @param tail the end of the output, what the model and the evidence see
 * @param reported the run left reports with at least one test case
 * @param noTestsRan the runner said it found no tests (pytest's exit code 5)
 * @param cases the reports' test cases, empty when there were none
 */
public record TestRun(
        boolean completed,
        int exitCode,
        String outcome,
        String tail,
        long millis,
        boolean reported,
        boolean noTestsRan,
        List<TestCase> cases) {

    static final int TAIL_CHARS = 4000;

    static TestRun of(SandboxResult result, List<TestCase> cases, boolean noTestsRan) {
        String output = result.output() == null ? "" : result.output();
        String tail = output.length() > TAIL_CHARS ? "..." + output.substring(output.length() - TAIL_CHARS) : output;
        return new TestRun(
                result.outcome() == SandboxResult.Outcome.COMPLETED,
                result.exitCode(),
                result.outcome().name(),
                tail,
                result.millis(),
                !cases.isEmpty(),
                noTestsRan,
                List.copyOf(cases));
    }

    /** Ran to the end, exit code 0, tests ran, and none in the reports failed. */
    public boolean passed() {
        return completed && exitCode == 0 && !noTestsRan && failing().isEmpty();
    }

    /**
     * Failed the way a red test fails: the suite ran and tests failed (by assertion, or at
     * collection for a missing symbol), or the build stopped with an error (a test that does not
     * compile without the new code; Maven then exits non-zero even when it ignores test failures).
     * A run that found no tests is not red.
     */
    boolean failedCleanly() {
        return completed && !noTestsRan && (!failing().isEmpty() || exitCode != 0);
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
