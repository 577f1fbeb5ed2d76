package dev.xpfleet.agent.dev.implement;

import dev.xpfleet.common.artifact.ArtifactKeys;
import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.workspace.CloneCredentials;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceArchive;
import dev.xpfleet.common.workspace.WorkspaceDiff;
import dev.xpfleet.common.workspace.WorkspaceException;
import dev.xpfleet.common.workspace.Workspaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * The developer's clones, and what leaves them: the patch and a snapshot of the worktree in the
 * artifact store. Credentials for a clone come from the orchestrator and are never written into the
 * workspace (JGit is handed them per call; {@code .git/config} keeps the plain URL).
 */
@Component
class DevWorkspaces {

    static final long MAX_SNAPSHOT_BYTES = 256L * 1024 * 1024;

    private final DevProperties props;
    private final ArtifactStore artifacts;

    DevWorkspaces(DevProperties props, ArtifactStore artifacts) {
        this.props = props;
        this.artifacts = artifacts;
    }

    Workspace clone(String repository, String commit) throws WorkspaceException {
        CloneCredentials.Source source = CloneCredentials.of(
                props.cloneUrl(), props.orchestratorUrl(), props.orchestratorToken(), repository, "dev");
        return new Workspaces(props.workRoot().resolve("workspaces").toAbsolutePath())
                .cloneAt(source.url(), commit, source.credentials());
    }

    private static long treeSize(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    /**
     * Stores the patch and the snapshot, and names them in {@code output}.
     *
     * @param session the pair session, or null
     * @param testsTurn a ping-pong test turn: its patch goes under {@code tests/}, and no snapshot
     *     (the iteration's snapshot is the turn that makes the test pass)
     */
    void publish(UUID task, UUID session, int iteration, boolean testsTurn, Workspace workspace, ObjectNode output)
            throws IOException, WorkspaceException {
        WorkspaceDiff diff = workspace.diff();
        String patchKey = testsTurn
                ? ArtifactKeys.task(task, "iter_" + iteration, "tests", "patch.diff")
                : ArtifactKeys.task(task, "iter_" + iteration, "patch.diff");
        artifacts.put(patchKey, diff.text().getBytes(StandardCharsets.UTF_8), "text/x-diff");
        // In a pair session the seed's name: pair_session/<session>/iter_<n>.tar.gz.
        String snapshotKey = session != null
                ? ArtifactKeys.pairSnapshot(session, iteration)
                : ArtifactKeys.task(task, "iter_" + iteration + ".tar.gz");
        long size = testsTurn ? 0 : treeSize(workspace.dir());
        if (testsTurn) {
            output.put("snapshotSkipped", "a ping-pong test turn: the iteration's snapshot follows its code turn");
        } else if (size <= MAX_SNAPSHOT_BYTES) {
            Path archive = Files.createTempFile("dev-snapshot", ".tar.gz");
            try {
                WorkspaceArchive.pack(workspace.dir(), archive);
                artifacts.put(snapshotKey, archive, "application/gzip");
            } finally {
                Files.deleteIfExists(archive);
            }
        } else {
            output.put(
                    "snapshotSkipped",
                    "the worktree holds " + size / (1024 * 1024) + " MB, more than the "
                            + MAX_SNAPSHOT_BYTES / (1024 * 1024) + " MB a snapshot may hold");
        }
        output.put("patch", patchKey);
        output.put("patchHash", diff.patchHash());
        var files = output.putArray("filesChanged");
        diff.files().forEach(files::add);
        var tests = output.putArray("testsChanged");
        diff.files().stream()
                .filter(dev.xpfleet.common.change.TestPaths::isTest)
                .forEach(tests::add);
    }
}
