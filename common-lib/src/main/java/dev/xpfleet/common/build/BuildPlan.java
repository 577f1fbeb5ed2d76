package dev.xpfleet.common.build;

import java.util.List;

/**
 * @param tool what was detected, or {@code CUSTOM} when {@code .fleet.yml} set the test command
 * @param prefetch run with the network, before any sandboxed run (empty: nothing to fetch)
 * @param test the test run, inside the sandbox, offline
 * @param lint the repository's linter, or empty (the built-in rules apply to Java)
 * @param reports glob patterns, relative to the workspace, of the JUnit-style XML reports the test
 *     run leaves
 * @param coverageReport the coverage report the run leaves (JaCoCo, coverage.py XML or lcov), or null
 * @param changedLinesCoverage the least coverage of changed lines that passes, 0 to 1
 */
public record BuildPlan(
        Tool tool,
        List<String> prefetch,
        List<String> test,
        List<String> lint,
        List<String> reports,
        String coverageReport,
        double changedLinesCoverage) {

    public enum Tool {
        MAVEN,
        GRADLE,
        NPM,
        PYTEST,
        CUSTOM
    }

    /** The same plan with every command word naming {@code from} naming {@code to} instead. */
    public BuildPlan withCache(java.nio.file.Path from, java.nio.file.Path to) {
        String a = from.toString();
        String b = to.toString();
        java.util.function.UnaryOperator<List<String>> swap =
                words -> words.stream().map(w -> w.replace(a, b)).toList();
        return new BuildPlan(
                tool,
                swap.apply(prefetch),
                swap.apply(test),
                swap.apply(lint),
                reports,
                coverageReport,
                changedLinesCoverage);
    }

    public BuildPlan {
        prefetch = List.copyOf(prefetch);
        test = List.copyOf(test);
        lint = List.copyOf(lint);
        reports = List.copyOf(reports);
        if (changedLinesCoverage < 0 || changedLinesCoverage > 1) {
            throw new IllegalArgumentException(
                    "changed-lines coverage must be between 0 and 1, got " + changedLinesCoverage);
        }
    }
}
