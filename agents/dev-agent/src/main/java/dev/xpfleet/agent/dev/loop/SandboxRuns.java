package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.build.BuildPlan;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxAccess;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.sandbox.SandboxResult;
import dev.xpfleet.common.testreport.TestReports;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs repository code for the developer: the tests, or a command the model asks for, always in the
 * shared sandbox (no network, time and memory limits, only the workspace writable, the dependency
 * cache and installed node modules read-only). Before each test run, what earlier runs left where
 * git does not look is removed (reports, bytecode and assertion-rewrite caches, {@code target/},
 * anything hidden under an ignore rule): a stale or planted file must not decide a run.
 */
public final class SandboxRuns {

    /** Installed dependencies a clean keeps (read-only in the runs). */
    static final List<String> KEEP = List.of("node_modules");

    /** Patterns for the workspace's {@code .git/info/exclude}: run output never shows in the change. */
    public static final List<String> EXCLUDES = List.of(
            ".fleet/reports/",
            ".fleet/cache/",
            "__pycache__/",
            "*.pyc",
            ".pytest_cache/",
            ".coverage",
            "target/",
            "node_modules/",
            ".m2/",
            ".npm/",
            ".gradle/");

    private final Sandbox sandbox;
    private final SandboxLimits limits;
    private final TestCommand tests;

    public SandboxRuns(Sandbox sandbox, SandboxLimits limits, TestCommand tests) {
        this.sandbox = sandbox;
        this.limits = limits;
        this.tests = tests;
    }

    /** Keeps run output out of the workspace's change, through git's own exclude file. */
    public static void excludeOutputs(Path gitDir) throws IOException {
        Path exclude = gitDir.resolve("info/exclude");
        Files.createDirectories(exclude.getParent());
        String existing = Files.exists(exclude) ? Files.readString(exclude) : "";
        Files.writeString(
                exclude,
                existing + (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n")
                        + "# xp-fleet: output of the developer's runs\n" + String.join("\n", EXCLUDES) + "\n");
    }

    /** Runs the tests on a cleaned tree and reads their JUnit reports. */
    public TestRun tests(Workspace workspace) throws IOException, WorkspaceException {
        Path dir = workspace.dir();
        clean(workspace);
        for (String report : tests.reports()) {
            // Runners write into these but do not all create them (node's junit reporter does not).
            Path parent = Path.of(report).getParent();
            if (parent != null && !parent.toString().contains("*")) {
                Files.createDirectories(dir.resolve(parent));
            }
        }
        SandboxResult result = sandbox.run(dir, tests.argv(), limits, access(dir));
        boolean noTests = tests.tool() == BuildPlan.Tool.PYTEST && result.exitCode() == 5;
        try {
            return TestRun.of(result, new TestReports().read(dir, tests.reports()), noTests);
        } catch (IOException e) {
            // Repository code wrote the report: an unreadable one is the run's failure, not the agent's.
            return TestRun.of(
                    new SandboxResult(
                            result.outcome(),
                            result.exitCode() == 0 ? 1 : result.exitCode(),
                            result.output() + "\nxp-fleet: the test report is unreadable: " + e.getMessage(),
                            result.millis()),
                    List.of(),
                    noTests);
        }
    }

    public SandboxResult command(Path workspace, String command) {
        // No bytecode caches: they would be read by later runs.
        return sandbox.run(
                workspace,
                List.of("bash", "-c", "export PYTHONDONTWRITEBYTECODE=1; " + command),
                limits,
                access(workspace));
    }

    /** The dependency cache and installed node modules are read-only in every run. */
    private SandboxAccess access(Path workspace) {
        List<Path> readable = new ArrayList<>();
        if (tests.cache() != null && Files.isDirectory(tests.cache())) {
            readable.add(tests.cache());
        }
        Path modules = workspace.resolve("node_modules");
        if (Files.isDirectory(modules, LinkOption.NOFOLLOW_LINKS)) {
            readable.add(modules);
        }
        return new SandboxAccess(false, List.of(), readable);
    }

    /**
     * Deletes what git ignores and does not hold, except installed node modules, and every file the
     * report globs match: what is left is the repository and the change.
     */
    void clean(Workspace workspace) throws IOException, WorkspaceException {
        workspace.deleteIgnored(KEEP);
        Path dir = workspace.dir();
        List<PathMatcher> reports = tests.reports().stream()
                .flatMap(glob -> glob.startsWith("**/")
                        ? Stream.of("glob:" + glob, "glob:" + glob.substring(3))
                        : Stream.of("glob:" + glob))
                .map(FileSystems.getDefault()::getPathMatcher)
                .toList();
        List<Path> stale;
        try (Stream<Path> walk = Files.walk(dir)) {
            stale = walk.filter(p -> !dir.relativize(p).startsWith(".git"))
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> reports.stream().anyMatch(m -> m.matches(dir.relativize(p))))
                    .toList();
        }
        for (Path report : stale) {
            Files.deleteIfExists(report);
        }
    }
}
