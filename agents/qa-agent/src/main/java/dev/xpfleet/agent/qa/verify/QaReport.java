package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.agent.qa.findings.Finding;
import dev.xpfleet.agent.qa.proof.TddProof;
import dev.xpfleet.common.testreport.TestReports.TestCase;
import java.util.List;
import java.util.Map;

/**
 * The QA agent's verdict on one change, as stored in the artifact store. Its JSON form is
 * described by {@code docs/qa-report.schema.json}; {@value #SCHEMA_VERSION} is its version.
 *
 * @param verdict PASSED only when nothing in {@code reasons}
 * @param reasons each a sentence a developer can act on: which test, which line, which rule
 * @param runs the three runs, by name: {@code base}, {@code testsOnly}, {@code changed}
 * @param failing the tests failing on the changed tree
 * @param coverage null when the run left no coverage report
 * @param problems analysers or reports that could not be used (not held against the change)
 */
public record QaReport(
        int schemaVersion,
        String verdict,
        List<String> reasons,
        String repository,
        String baseCommit,
        String patchHash,
        String tool,
        Map<String, Run> runs,
        Tests tests,
        List<TestCase> failing,
        TddProof tdd,
        Coverage coverage,
        List<Finding> findings,
        List<String> problems) {

    public static final int SCHEMA_VERSION = 1;
    public static final String PASSED = "PASSED";
    public static final String FAILED = "FAILED";

    /** One sandboxed run: how it ended, its wall time and peak memory, how many tests it reported. */
    public record Run(String outcome, int exitCode, long millis, long peakMemoryBytes, int tests, String reason) {}

    public record Tests(int total, int passed, int failed, int skipped) {}

    /**
     * @param total share of all executable lines the tests ran, 0 to 1, or null when unknown
     * @param baseTotal the same on the base, from the base run, or null when unknown
     * @param changedLines share of the change's executable added lines the tests ran, 0 to 1
     * @param threshold the least {@code changedLines} that passes
     * @param missed per file, added lines no test ran
     */
    public record Coverage(
            Double total,
            Double baseTotal,
            double changedLines,
            int changedLinesExecutable,
            int changedLinesCovered,
            double threshold,
            Map<String, List<Integer>> missed) {

        public Coverage withBaseTotal(Double base) {
            return new Coverage(
                    total, base, changedLines, changedLinesExecutable, changedLinesCovered, threshold, missed);
        }
    }

    public boolean passed() {
        return PASSED.equals(verdict);
    }
}
