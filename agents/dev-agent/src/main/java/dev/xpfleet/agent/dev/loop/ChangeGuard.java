package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.agent.dev.loop.LoopOutcome.Phase;
import dev.xpfleet.agent.dev.tools.PathRules;
import dev.xpfleet.agent.dev.tools.RefusedException;
import dev.xpfleet.common.change.TestPaths;
import dev.xpfleet.common.hash.Sha256;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceDiff;
import dev.xpfleet.common.workspace.WorkspaceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The phase rules, checked on each edit and again on the whole working tree at each submit (a
 * command run in the sandbox can write files too), against the tree as the iteration started (the
 * base commit, or the previous iteration's change): red changes test files only and deletes none;
 * green changes production files only and leaves the tests exactly as red left them; no change
 * touches a guarded path or adds a module that shadows an installed one; the patch stays within its
 * size limits.
 */
public final class ChangeGuard {

    private final Workspace workspace;
    private final PathRules rules;
    private final Set<String> installedModules;
    private final Map<String, String> start;
    private final Map<String, String> frozenTests = new HashMap<>();
    private final Map<String, String> atRed = new HashMap<>();

    /** Larger files are refused in a change: they are not code, and hashing them costs time. */
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    /**
     * @param installedModules top-level Python modules the test runner may import (a new file of
     *     that name would replace it)
     */
    public ChangeGuard(Workspace workspace, PathRules rules, Set<String> installedModules)
            throws IOException, WorkspaceException {
        this(workspace, rules, installedModules, List.of());
    }

    /**
     * @param untestedGlobs paths the base tree's {@code .fleet.yml} lets change without a failing
     *     test first (documentation): neither test nor production for the phase rules
     */
    public ChangeGuard(Workspace workspace, PathRules rules, Set<String> installedModules, List<String> untestedGlobs)
            throws IOException, WorkspaceException {
        this.workspace = workspace;
        this.rules = rules;
        this.installedModules = Set.copyOf(installedModules);
        this.untested = untestedGlobs.stream()
                .flatMap(g -> java.util.stream.Stream.of(g, "**/" + g))
                .map(g -> java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
        this.start = snapshot(workspace.diff().files());
    }

    private final List<java.nio.file.PathMatcher> untested;

    /** A path {@code .fleet.yml} exempts from test-first (and it is not a test). */
    boolean isUntested(String path) {
        Path p = Path.of(path);
        return !TestPaths.isTest(path) && untested.stream().anyMatch(m -> m.matches(p));
    }

    /** Since the iteration started, only exempt paths changed (and at least one). */
    boolean onlyUntestedChanged() throws IOException, WorkspaceException {
        List<String> changed = workspace.diff().files().stream()
                .filter(f -> !Objects.equals(start.get(f), contentOrAbsent(f)))
                .toList();
        return !changed.isEmpty() && changed.stream().allMatch(this::isUntested);
    }

    /** Refuses an edit or deletion of {@code path} that the phase does not allow. */
    void allowedIn(Phase phase, String path, boolean deletion) throws RefusedException {
        String relative = rules.relative(rules.writable(path));
        boolean test = TestPaths.isTest(relative);
        if (isUntested(relative) && !deletion) {
            return; // documentation and the like: any phase
        }
        if (phase == Phase.RED && !test) {
            throw new RefusedException("RED phase: only test files may change until a test fails for the missing"
                    + " behaviour; '" + relative + "' is production code. Write the failing test first.");
        }
        if (phase == Phase.GREEN && test) {
            throw new RefusedException("GREEN phase: the tests are fixed once they failed for the right reason;" + " '"
                    + relative + "' is a test file. Change the production code.");
        }
        if (deletion && test) {
            throw new RefusedException("deleting test file '" + relative + "' is not allowed: removing tests needs a"
                    + " person's decision");
        }
    }

    /**
     * The whole change, as it stands, against the phase's rules and the patch limits.
     *
     * @param startFailed the suite failed when the iteration started (QA or a reviewer found a
     *     failing test), or red needs no new test for another reason (a refactoring's later
     *     iteration, whose pins are optional)
     */
    void checkChange(Phase phase, LoopLimits limits, boolean startFailed)
            throws RefusedException, IOException, WorkspaceException {
        WorkspaceDiff diff = workspace.diff();
        List<String> sinceStart = diff.files().stream()
                .filter(f -> !Objects.equals(start.get(f), contentOrAbsent(f)))
                .toList();
        for (String file : sinceStart) {
            rules.writable(file);
            shadowing(file);
            String state = contentOrAbsent(file);
            if (state.startsWith("(") && !state.equals(ABSENT)) {
                throw new RefusedException("'" + file + "' is " + state.substring(1, state.length() - 1)
                        + "; a change holds regular files only");
            }
            if (TestPaths.isTest(file) && ABSENT.equals(state)) {
                throw new RefusedException(
                        "test file " + file + " was deleted; removing tests needs a person's decision");
            }
        }
        List<String> tests = sinceStart.stream().filter(TestPaths::isTest).toList();
        List<String> production = sinceStart.stream()
                .filter(f -> !TestPaths.isTest(f) && !isUntested(f))
                .toList();
        if (phase == Phase.RED) {
            if (tests.isEmpty() && !startFailed && !onlyUntestedChanged()) {
                throw new RefusedException("no test file has changed yet: write a test that fails first");
            }
            if (!production.isEmpty()) {
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
                if (!Objects.equals(frozen.getValue(), contentOrAbsent(frozen.getKey()))) {
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

    /** Remembers the tree as red left it: green must not change the tests, and must change code. */
    void freezeTests() throws IOException, WorkspaceException {
        frozenTests.clear();
        atRed.clear();
        for (String file : workspace.diff().files()) {
            (TestPaths.isTest(file) ? frozenTests : atRed).put(file, contentOrAbsent(file));
        }
    }

    /** Whether a production file differs from how it was when red was proven. */
    boolean productionChangedSinceRed() throws IOException, WorkspaceException {
        List<String> now = workspace.diff().files();
        for (String file : now) {
            if (!TestPaths.isTest(file) && !contentOrAbsent(file).equals(atRed.getOrDefault(file, START))) {
                return true;
            }
        }
        return atRed.keySet().stream().anyMatch(f -> !now.contains(f));
    }

    /** Since the iteration started, only test files changed (and at least one). */
    boolean onlyTestsChanged() throws IOException, WorkspaceException {
        List<String> changed = workspace.diff().files().stream()
                .filter(f -> !Objects.equals(start.get(f), contentOrAbsent(f)))
                .toList();
        return !changed.isEmpty() && changed.stream().allMatch(TestPaths::isTest);
    }

    /** A new top-level module named like an installed one would run instead of it (pytest itself, say). */
    private void shadowing(String file) throws RefusedException {
        String top = file.contains("/") ? file.substring(0, file.indexOf('/')) : file;
        String module = top.endsWith(".py") ? top.substring(0, top.length() - 3) : top;
        boolean python = top.endsWith(".py") || (file.contains("/") && file.endsWith(".py"));
        if (python && installedModules.contains(module)) {
            throw new RefusedException("'" + file + "' would shadow the installed Python module '" + module
                    + "' that the tests run with; choose another name");
        }
    }

    private static final String ABSENT = "(absent)";
    private static final String START = "(as the iteration started)";

    private Map<String, String> snapshot(List<String> files) {
        Map<String, String> contents = new HashMap<>();
        for (String file : files) {
            contents.put(file, contentOrAbsent(file));
        }
        return contents;
    }

    /**
     * A file's state as a string: the SHA-256 of its bytes (streamed), or a parenthesised word for
     * a file that is absent, a link, special, too large or unreadable.
     */
    private String contentOrAbsent(String file) {
        Path path = workspace.dir().resolve(file);
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return ABSENT;
            }
            if (Files.isSymbolicLink(path)) {
                return "(a symbolic link)";
            }
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                return "(a special file)";
            }
            if (Files.size(path) > MAX_FILE_BYTES) {
                return "(larger than 16 MB)";
            }
            try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                return Sha256.hex(in);
            }
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
