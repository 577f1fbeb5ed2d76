package dev.xpfleet.agent.dev.implement;

import dev.xpfleet.agent.dev.context.PythonDeclarations;
import dev.xpfleet.agent.dev.context.RepositoryMap;
import dev.xpfleet.agent.dev.loop.Brief;
import dev.xpfleet.agent.dev.loop.ChangeGuard;
import dev.xpfleet.agent.dev.loop.DevLoop;
import dev.xpfleet.agent.dev.loop.LoopOutcome;
import dev.xpfleet.agent.dev.loop.PairTurn;
import dev.xpfleet.agent.dev.loop.PythonModules;
import dev.xpfleet.agent.dev.loop.SandboxRuns;
import dev.xpfleet.agent.dev.loop.TestCommand;
import dev.xpfleet.agent.dev.tools.PathRules;
import dev.xpfleet.agent.dev.tools.WorkspaceTools;
import dev.xpfleet.common.build.Prefetch;
import dev.xpfleet.common.model.ModelGatewayClient;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceException;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Puts one iteration's loop together: the gateway as the model, the shared sandbox, the rules. */
@Component
class DevRun {

    private final DevProperties props;
    private final Sandbox sandbox;

    DevRun(DevProperties props) {
        this.props = props;
        this.sandbox = new Sandbox(props.allowUnsandboxed());
    }

    /**
     * How this repository's tests run, read from the base tree (before any change is applied).
     *
     * @throws IllegalArgumentException when they cannot be run (nothing to run, a bad .fleet.yml)
     */
    TestCommand testCommand(String repository, Workspace workspace) throws IOException {
        return TestCommand.detect(
                workspace.dir(),
                props.workRoot().resolve("cache").resolve(repository).toAbsolutePath());
    }

    /**
     * Fills the repository's dependency cache from the base tree (the only sandboxed run with the
     * network; shared with nothing a change can write), once per set of build files.
     *
     * @return why it failed, or null
     */
    String prefetch(Workspace workspace, TestCommand tests) throws IOException {
        Prefetch.Result fetched = new Prefetch(sandbox, limits())
                .base(workspace.dir(), tests.plan(), tests.cache(), Prefetch.buildFilesHash(workspace.dir()));
        return fetched.failure();
    }

    /** Code related to the issue from the orchestrator's retrieval, or "" (see {@link Retrieval}). */
    String related(String repository, String commit, String issue) {
        if (!props.retrieval() || props.orchestratorUrl() == null || props.orchestratorToken() == null) {
            return "";
        }
        return new Retrieval(props.orchestratorUrl(), props.orchestratorToken(), props.indexTimeout())
                .related(repository, commit, issue);
    }

    /** The ranked repository map the model starts from, within {@code fleet.dev.map-chars}. */
    String repositoryMap(Workspace workspace, String issue) throws IOException {
        return new RepositoryMap(new PythonDeclarations(sandbox, workspace.dir()))
                .render(workspace.dir(), issue, props.mapChars());
    }

    /**
     * @param allowedPaths guarded paths the base tree's .fleet.yml lets the developer change
     * @param untestedPaths paths it lets change without a failing test first
     */
    LoopOutcome run(
            UUID task,
            int iteration,
            Workspace workspace,
            TestCommand tests,
            List<String> allowedPaths,
            List<String> untestedPaths,
            Brief brief)
            throws IOException, WorkspaceException {
        if (props.orchestratorUrl() == null || props.orchestratorToken() == null) {
            throw new IllegalStateException(
                    "fleet.dev.orchestrator-url and fleet.dev.orchestrator-token are needed to reach the model gateway");
        }
        ModelGatewayClient client =
                new ModelGatewayClient(props.orchestratorUrl(), props.orchestratorToken(), props.modelTimeout());
        PathRules rules = new PathRules(workspace.dir(), allowedPaths);
        SandboxRuns.excludeOutputs(workspace.gitDir());
        SandboxRuns runs = new SandboxRuns(sandbox, limits(), tests);
        DevLoop loop = new DevLoop(
                new GatewayModel(
                        client,
                        task,
                        brief.turn() == PairTurn.SOLO
                                ? Integer.toString(iteration)
                                : iteration + "-" + brief.turn().name().toLowerCase(java.util.Locale.ROOT),
                        props.modelTimeout().multipliedBy(2),
                        props.toolCalls()),
                new WorkspaceTools(workspace.dir(), rules),
                runs,
                new ChangeGuard(workspace, rules, PythonModules.installed(), untestedPaths),
                props.limits(),
                workspace);
        return loop.run(brief);
    }

    private SandboxLimits limits() {
        return new SandboxLimits(props.testTime(), props.memory().toBytes(), props.processes());
    }
}
