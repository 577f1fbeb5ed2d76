package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.agent.qa.coverage.ChangedLinesCoverage;
import dev.xpfleet.agent.qa.coverage.LineCoverage;
import dev.xpfleet.common.build.BuildPlan;
import dev.xpfleet.common.change.ChangeSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Coverage of the lines a change adds, from the coverage reports the changed run left. A production
 * file of the build's language that no report mentions (never loaded by a test, a module without
 * tests) counts as not run at all: its added code lines are missed, not ignored.
 */
final class CoverageCheck {

    private CoverageCheck() {}

    static QaReport.Coverage of(
            Path ws,
            BuildPlan plan,
            ChangeSet change,
            List<Path> reports,
            Consumer<String> reason,
            List<String> problems) {
        if (reports.isEmpty()) {
            if (!change.production().isEmpty()) {
                reason.accept("no coverage report at " + plan.coverageReport()
                        + ": coverage of the changed lines cannot be shown");
            }
            return null;
        }
        List<LineCoverage> read = new ArrayList<>();
        for (Path report : reports) {
            try {
                read.add(LineCoverage.read(report));
            } catch (java.io.IOException | RuntimeException e) {
                problems.add("coverage report " + ws.relativize(report) + " unreadable: " + e.getMessage());
            }
        }
        int executable = 0;
        int covered = 0;
        Map<String, List<Integer>> missed = new LinkedHashMap<>();
        double totalSum = 0;
        int totals = 0;
        for (LineCoverage lines : read) {
            ChangedLinesCoverage c = ChangedLinesCoverage.of(change, lines);
            executable += c.executable();
            covered += c.covered();
            c.missed().forEach((file, l) -> merge(missed, file, l));
            if (lines.total() >= 0) {
                totalSum += lines.total();
                totals++;
            }
        }
        for (ChangeSet.FileChange file : change.production()) {
            if (measured(plan, file.path())
                    && read.stream().allMatch(r -> r.forFile(file.path()).isEmpty())) {
                List<Integer> code = file.addedText().entrySet().stream()
                        .filter(e -> isCode(e.getValue()))
                        .map(Map.Entry::getKey)
                        .toList();
                executable += code.size();
                if (!code.isEmpty()) {
                    merge(missed, file.path(), code);
                }
            }
        }
        double ratio = executable == 0 ? 1.0 : (double) covered / executable;
        if (ratio + 1e-9 < plan.changedLinesCoverage()) {
            reason.accept("coverage of changed lines %.0f%% is below %.0f%%; not run by any test: %s"
                    .formatted(ratio * 100, plan.changedLinesCoverage() * 100, describe(missed)));
        }
        return new QaReport.Coverage(
                totals == 0 ? null : totalSum / totals,
                null,
                ratio,
                executable,
                covered,
                plan.changedLinesCoverage(),
                missed);
    }

    /**
     * The total coverage the reports give (their mean when there are several, one per module), or
     * null when there are none or none gives a total: the base run's, to compare with the change's.
     */
    static Double total(List<Path> reports) {
        double sum = 0;
        int totals = 0;
        for (Path report : reports) {
            try {
                double total = LineCoverage.read(report).total();
                if (total >= 0) {
                    sum += total;
                    totals++;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // an unreadable base report: no base figure, the rule is then not checked
            }
        }
        return totals == 0 ? null : sum / totals;
    }

    /** Files in the language the build's coverage tool measures. */
    private static boolean measured(BuildPlan plan, String path) {
        Set<String> extensions = switch (plan.tool()) {
            case MAVEN, GRADLE -> Set.of(".java", ".kt");
            case PYTEST -> Set.of(".py");
            case NPM -> Set.of(".js", ".mjs", ".cjs", ".ts");
            case CUSTOM -> Set.of();
        };
        return extensions.stream().anyMatch(path::endsWith);
    }

    private static boolean isCode(String line) {
        String t = line.strip();
        return !t.isEmpty()
                && !t.startsWith("//")
                && !t.startsWith("#")
                && !t.startsWith("*")
                && !t.startsWith("/*")
                && !t.equals("}")
                && !t.equals("{");
    }

    private static void merge(Map<String, List<Integer>> missed, String file, List<Integer> lines) {
        missed.merge(
                file,
                lines,
                (x, y) -> Stream.concat(x.stream(), y.stream())
                        .distinct()
                        .sorted()
                        .toList());
    }

    private static String describe(Map<String, List<Integer>> missed) {
        List<String> parts = new ArrayList<>();
        missed.forEach((file, lines) -> parts.add(file + " lines " + lines));
        String text = String.join("; ", parts);
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
