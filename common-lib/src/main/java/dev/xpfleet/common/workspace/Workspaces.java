package dev.xpfleet.common.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.CredentialsProvider;

/** Creates workspaces, each in its own new directory under a root. */
public final class Workspaces {

    private final Path root;

    public Workspaces(Path root) {
        this.root = root;
    }

    /**
     * Clones {@code repositoryUri} and checks out {@code commit} (detached) in a new directory.
     *
     * @param credentials for private repositories, or null; never logged
     * @throws WorkspaceException when the repository cannot be cloned or has no such commit; the
     *     directory is removed
     */
    public Workspace cloneAt(String repositoryUri, String commit, CredentialsProvider credentials)
            throws WorkspaceException {
        Path dir;
        try {
            dir = Files.createDirectories(root)
                    .toRealPath()
                    .resolve(UUID.randomUUID().toString());
        } catch (IOException e) {
            throw new WorkspaceException("cannot create a workspace under " + root + ": " + e.getMessage(), e);
        }
        Git git = null;
        try {
            git = Git.cloneRepository()
                    .setURI(repositoryUri)
                    .setDirectory(dir.toFile())
                    .setCloneAllBranches(true)
                    .setCredentialsProvider(credentials)
                    .call();
            ObjectId base = Workspace.resolveCommit(git, commit);
            if (base == null) {
                throw new WorkspaceException("commit " + commit + " is not in " + repositoryUri);
            }
            git.checkout().setName(base.name()).call();
            return new Workspace(dir, base, git);
        } catch (GitAPIException | IOException | RuntimeException e) {
            if (git != null) {
                git.close();
            }
            deleteQuietly(dir);
            if (e instanceof WorkspaceException w) {
                throw w;
            }
            throw new WorkspaceException("cannot clone " + repositoryUri + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            WorkspaceArchive.deleteTree(dir);
        } catch (IOException e) {
            // Best effort: the directory is under the workspace root and holds nothing of value.
        }
    }
}
