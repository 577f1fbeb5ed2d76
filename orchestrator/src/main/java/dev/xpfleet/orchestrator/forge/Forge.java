package dev.xpfleet.orchestrator.forge;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the fleet needs from a forge. Every write is idempotent, so a retried or redelivered step
 * never pushes twice, opens a second pull request or posts a second comment.
 */
public interface Forge {

    RepositoryInfo repository(String repository);

    /** Where a workspace clones the repository from. */
    String cloneUri(String repository);

    /** What a clone or fetch of {@link #cloneUri} authenticates with; null when nothing is needed. */
    default org.eclipse.jgit.transport.CredentialsProvider cloneCredentials(String repository) {
        return null;
    }

    Issue issue(String repository, int number);

    /**
     * Opens an issue as the fleet, or returns the open one the fleet opened before with the same
     * marker (a hidden tag in its body), so a retried step never opens two.
     */
    Issue openIssue(String repository, NewIssue issue);

    /** The commit a branch points at, if the branch exists. */
    Optional<String> branchHead(String repository, String branch);

    /**
     * Points {@code branch} at {@code commit}, taken from the git directory of a workspace.
     *
     * @return false when the branch already pointed there (nothing was pushed)
     */
    boolean pushBranch(String repository, String branch, Path sourceGitDir, String commit);

    /** The open pull request of a branch, else its latest closed or merged one. */
    Optional<PullRequest> findPullRequest(String repository, String headBranch);

    /** Opens a pull request, or returns the one already open for that branch. */
    PullRequest openPullRequest(String repository, NewPullRequest request);

    /**
     * Writes the comment tagged with {@code marker} on an issue or pull request, editing it in
     * place when it exists.
     *
     * @return true when it was created, false when an existing one was edited
     */
    boolean upsertComment(String repository, int number, String marker, String body);

    void addLabels(String repository, int number, List<String> labels);

    /**
     * Posts the fleet's review of a pull request once: a review tagged with the same marker is not
     * posted again. Always a comment review (the verdict is in its body): GitHub does not let an
     * account approve or reject its own pull request.
     *
     * @return true when it was posted now, false when it was there already
     */
    boolean postReview(String repository, int number, Review review);

    /**
     * Merges an open pull request; merging a merged one returns it as it is.
     *
     * @param expectedHead the commit the pull request must still show (what the fleet pushed and
     *     QA judged); anything else is a {@link ForgeException.MergeConflict}. Null: no check.
     */
    PullRequest merge(String repository, int number, MergeMethod method, String expectedHead);

    record RepositoryInfo(String repository, String defaultBranch, String headCommit) {}

    /**
     * @param marker tags the review so it is posted once
     * @param commitId the commit the comments' lines belong to
     * @param comments on lines of the changed files (the right side of the diff)
     */
    record Review(String marker, String commitId, String body, List<LineComment> comments) {}

    record LineComment(String path, int line, String body) {}

    record Issue(String repository, int number, String title, String body, String author, List<String> labels) {}

    /** @param marker tags the issue (in an HTML comment of its body) so it is opened once */
    record NewIssue(String title, String body, List<String> labels, String marker) {

        /** The body as the forge keeps it: the marker's tag first. */
        public String taggedBody() {
            String tag = "<!-- " + marker + " -->";
            return body.contains(tag) ? body : tag + "\n" + body;
        }
    }

    record NewPullRequest(String headBranch, String baseBranch, String title, String body, UUID taskId) {}

    enum State {
        OPEN,
        MERGED,
        CLOSED
    }

    enum MergeMethod {
        MERGE,
        SQUASH
    }

    record PullRequest(
            String repository,
            int number,
            String headBranch,
            String baseBranch,
            String title,
            State state,
            String headCommit,
            String mergeCommit,
            String diff) {}
}
