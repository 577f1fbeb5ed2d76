package dev.xpfleet.orchestrator.forge;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/** Pushes one commit of a workspace to a branch of a remote, every forge the same way. */
public final class GitPush {

    private GitPush() {}

    /**
     * @param credentials null when the remote needs none
     * @param force move the branch even when the commit does not descend from where it is
     * @throws ForgeException when the remote refuses or cannot be reached, with its reason
     */
    public static void push(
            Path sourceGitDir,
            String remote,
            String branch,
            String commit,
            CredentialsProvider credentials,
            boolean force,
            String repository) {
        try (Git git = Git.open(sourceGitDir.toFile())) {
            Iterable<PushResult> results = git.push()
                    .setRemote(remote)
                    .setRefSpecs(new RefSpec(commit + ":" + Constants.R_HEADS + branch).setForceUpdate(force))
                    .setCredentialsProvider(credentials)
                    .call();
            for (PushResult result : results) {
                for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                    if (update.getStatus() != RemoteRefUpdate.Status.OK
                            && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        throw new ForgeException("push of " + branch + " to " + repository + " refused: "
                                + update.getStatus() + (update.getMessage() == null ? "" : " " + update.getMessage()));
                    }
                }
            }
        } catch (IOException | GitAPIException e) {
            throw new ForgeException("cannot push " + branch + " to " + repository + ": " + e.getMessage(), e);
        }
    }
}
