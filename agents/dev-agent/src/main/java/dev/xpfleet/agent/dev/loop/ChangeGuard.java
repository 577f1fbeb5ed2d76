package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.agent.dev.loop.LoopOutcome.Phase;
import dev.xpfleet.agent.dev.tools.PathRules;
import dev.xpfleet.agent.dev.tools.RefusedException;
import dev.xpfleet.common.change.TestPaths;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceDiff;
import dev.xpfleet.common.workspace.WorkspaceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The phase rules, checked on each edit and again on the whole working tree at each submit (a
 * command run in the sandbox can write files too): red changes test files only, green changes
 * production files only and leaves the tests written in red exactly as they were; no change
 * touches a guarded path; the patch stays within its size limits.
 */
public final class ChangeGuard {

    private final Workspace workspace;
    private final PathRules rules;
    private final boolean firstIteration;
    private final Map<String, String> frozenTests = new HashMap<>();

    public ChangeGuard(Workspace workspace, PathRules rules, boolean firstIteration) {
        this.workspace = workspace;
        this.rules = rules;
        this.firstIteration = firstIteration;
    }

    /** Refuses an edit of {@code path} that the phase does not allow. */
    void allowedIn(Phase phase, String path) throws RefusedException {
        String relative = rules.relative(rules.writable(path));
        boolean test = TestPaths.isTest(relative);
        if (phase == Phase.RED && !test) {
            throw new RefusedException("RED phase: only test files may change until a test fails for the missing"
                    + " behaviour; '" + relative + "' is production code. Write the failing test first.");
        }
        if (phase == Phase.GREEN && test) {
            throw new RefusedException("GREEN phase: the tests are fixed once they failed for the right reason;" + " '"
                    + relative + "' is a test file. Change the production code.");
        }
    }

    /** The whole change, as it stands, against the phase's rules and the patch limits. */
    void checkChange(Phase phase, LoopLimits limits) throws RefusedException, IOException, WorkspaceException {
        WorkspaceDiff diff = workspace.diff();
        for (String file : diff.files()) {
            rules.writable(file);
        }
        List<String> tests = diff.files().stream().filter(TestPaths::isTest).toList();
        List<String> production =
                diff.files().stream().filter(f -> !TestPaths.isTest(f)).toList();
        if (phase == Phase.RED) {
            if (firstIteration && tests.isEmpty()) {
                throw new RefusedException("no test file has changed yet: write a test that fails first");
            }
            if (firstIteration && !production.isEmpty()) {
                throw new RefusedException("production files changed in the RED phase (by a command?): " + production
                        + "; put them back as they were");
            }
        } else {
            for (String test : tests) {
                if (!frozenTests.containsKey(test)) {
                    throw new RefusedException("test file " + test + " changed after the RED phase; put it back");
                }
            }
            for (Map.Entry<String, String> frozen : frozenTests.entrySet()) {
                if (!Objects.equals(frozen.getValue(), content(frozen.getKey()))) {
                    throw new RefusedException(
                            "test file " + frozen.getKey() + " changed after the RED phase; put it back");
                }
            }
        }
        long lines = diff.text().lines().count();
        if (lines > limits.patchLines() || diff.files().size() > limits.patchFiles()) {
            throw new RefusedException("the patch is too large (" + lines + " lines in "
                    + diff.files().size() + " files; limits " + limits.patchLines() + " lines, " + limits.patchFiles()
                    + " files)");
        }
    }

    /** Remembers the test files as red left them: green must not change them. */
    void freezeTests() throws IOException, WorkspaceException {
        frozenTests.clear();
        for (String file : workspace.diff().files()) {
            if (TestPaths.isTest(file)) {
                frozenTests.put(file, content(file));
            }
        }
    }

    private String content(String file) throws IOException {
        Path path = workspace.dir().resolve(file);
        return Files.isRegularFile(path) ? Files.readString(path, StandardCharsets.UTF_8) : null;
    }
}
