package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.build.BuildPlan;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxAccess;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.sandbox.SandboxResult;
import dev.xpfleet.common.testreport.TestReports;
import dev.xpfleet.common.workspace.WorkspaceArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs repository code for the developer: the tests, or a command the model asks for, always in the
 * shared sandbox (no network, time and memory limits, only the workspace writable, the dependency
 * cache readable). Before each test run, what earlier runs left is removed (reports, bytecode and
 * assertion-rewrite caches, Maven's {@code target/}): a stale or planted file must not decide a run.
 */
public final class SandboxRuns {

    /** What runs leave in a workspace: never part of a change (see {@link #EXCLUDES}), removed before each test run. */
    static final Set<String> OUTPUT_DIRS = Set.of(".fleet", ".fleet-dev", "__pycache__", ".pytest_cache");

    static final Set<String> OUTPUT_FILES = Set.of(".coverage");

    /** Patterns for the workspace's {@code .git/info/exclude}: outputs never show in the change. */
    public static final List<String> EXCLUDES = List.of(
            ".fleet/",
            ".fleet-dev/",
            "__pycache__/",
            "*.pyc",
            ".pytest_cache/",
            ".coverage",
            "target/",
            "node_modules/");

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

    /** Runs the tests on a tree cleaned of earlier runs' output, and reads their JUnit reports. */
    public TestRun tests(Path workspace) throws IOException {
        clean(workspace);
        SandboxResult result = sandbox.run(workspace, tests.argv(), limits, access());
        try {
            List<TestReports.TestCase> cases = new TestReports().read(workspace, tests.reports());
            return TestRun.of(result, !cases.isEmpty(), cases);
        } catch (IOException e) {
            // Repository code wrote the report: an unreadable one is the run's failure, not the agent's.
            return TestRun.of(
                    new SandboxResult(
                            result.outcome(),
                            result.exitCode() == 0 ? 1 : result.exitCode(),
                            result.output() + "\nxp-fleet: the test report is unreadable: " + e.getMessage(),
                            result.millis()),
                    false,
                    List.of());
        }
    }

    public SandboxResult command(Path workspace, String command) {
        // No bytecode caches: they would be read by later runs.
        return sandbox.run(
                workspace, List.of("bash", "-c", "export PYTHONDONTWRITEBYTECODE=1; " + command), limits, access());
    }

    private SandboxAccess access() {
        return tests.cache() != null && Files.isDirectory(tests.cache())
                ? new SandboxAccess(false, List.of(), List.of(tests.cache()))
                : SandboxAccess.OFFLINE;
    }

    /** Removes earlier runs' output (links removed, never followed); the repository's files stay. */
    void clean(Path workspace) throws IOException {
        List<Path> doomed;
        try (Stream<Path> walk = Files.walk(workspace)) {
            doomed = walk.filter(p -> !p.equals(workspace))
                    .filter(p -> !workspace.relativize(p).startsWith(".git"))
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                        return (dir && (OUTPUT_DIRS.contains(name) || (name.equals("target") && maven())))
                                || (!dir && (OUTPUT_FILES.contains(name) || name.endsWith(".pyc")));
                    })
                    .toList();
        }
        for (Path path : doomed) {
            WorkspaceArchive.deleteTree(path);
        }
    }

    private boolean maven() {
        return tests.tool() == BuildPlan.Tool.MAVEN;
    }
}
