package dev.xpfleet.agent.qa.coverage;

import dev.xpfleet.common.change.ChangeSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage of the production lines a change adds: of the added lines the coverage report counts as
 * executable, how many the tests ran. Lines it does not count (comments, blank lines, declarations)
 * are neither covered nor missed.
 *
 * @param executable added lines the report counts
 * @param covered of those, the ones the tests ran
 * @param missed per file, the added executable lines no test ran
 */
public record ChangedLinesCoverage(int executable, int covered, Map<String, List<Integer>> missed) {

    public static ChangedLinesCoverage of(ChangeSet change, LineCoverage coverage) {
        int executable = 0;
        int covered = 0;
        Map<String, List<Integer>> missed = new LinkedHashMap<>();
        for (ChangeSet.FileChange file : change.production()) {
            Map<Integer, Boolean> lines = coverage.forFile(file.path());
            for (int line : file.addedLines()) {
                Boolean ran = lines.get(line);
                if (ran == null) {
                    continue;
                }
                executable++;
                if (ran) {
                    covered++;
                } else {
                    missed.computeIfAbsent(file.path(), k -> new ArrayList<>()).add(line);
                }
            }
        }
        return new ChangedLinesCoverage(executable, covered, missed);
    }

    /** Covered share, 0 to 1; a change with no executable added line counts as fully covered. */
    public double ratio() {
        return executable == 0 ? 1.0 : (double) covered / executable;
    }
}
