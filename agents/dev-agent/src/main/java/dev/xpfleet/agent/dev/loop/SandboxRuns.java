package dev.xpfleet.agent.dev.loop;

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

/**
 * Runs repository code for the developer: the tests, or a command the model asks for, always in the
 * shared sandbox (no network, time and memory limits, only the workspace writable).
 */
public final class SandboxRuns {

    private final Sandbox sandbox;
    private final SandboxLimits limits;
    private final TestCommand tests;

    public SandboxRuns(Sandbox sandbox, SandboxLimits limits, TestCommand tests) {
        this.sandbox = sandbox;
        this.limits = limits;
        this.tests = tests;
    }

    /**
     * Runs the tests with a fresh report directory, reads the report, and removes the directory so
     * it never shows in the change.
     */
    public TestRun tests(Path workspace) throws IOException {
        Path reports = workspace.resolve(TestCommand.REPORT_DIR);
        WorkspaceArchive.deleteTree(reports);
        SandboxResult result = sandbox.run(workspace, tests.argv(), limits, SandboxAccess.OFFLINE);
        try {
            boolean reported = tests.report() != null
                    && Files.isRegularFile(workspace.resolve(tests.report()), LinkOption.NOFOLLOW_LINKS);
            List<TestReports.TestCase> cases =
                    reported ? new TestReports().read(workspace, List.of(tests.report())) : List.of();
            return TestRun.of(result, reported, cases);
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
        } finally {
            WorkspaceArchive.deleteTree(reports);
        }
    }

    public SandboxResult command(Path workspace, String command) {
        // No bytecode caches: they would show up in the change as files the model never wrote.
        return sandbox.run(
                workspace,
                List.of("bash", "-c", "export PYTHONDONTWRITEBYTECODE=1; " + command),
                limits,
                SandboxAccess.OFFLINE);
    }
}
