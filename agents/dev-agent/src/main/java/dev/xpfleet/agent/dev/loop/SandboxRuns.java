package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxAccess;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.sandbox.SandboxResult;
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

    public TestRun tests(Path workspace) {
        return TestRun.of(sandbox.run(workspace, tests.argv(), limits, SandboxAccess.OFFLINE));
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
