package dev.xpfleet.orchestrator.forge.github;

import static dev.xpfleet.orchestrator.forge.github.GitHubErrors.call;

import dev.xpfleet.orchestrator.forge.Forge;
import dev.xpfleet.orchestrator.forge.ForgeException;
import dev.xpfleet.orchestrator.forge.GitPush;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.GHIssue;
import org.kohsuke.github.GHIssueComment;
import org.kohsuke.github.GHIssueState;
import org.kohsuke.github.GHLabel;
import org.kohsuke.github.GHPullRequest;
import org.kohsuke.github.GHPullRequestFileDetail;
import org.kohsuke.github.GHPullRequestReview;
import org.kohsuke.github.GHPullRequestReviewBuilder;
import org.kohsuke.github.GHPullRequestReviewEvent;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.GitHub;

/**
 * The forge port on GitHub. Every write looks first: a branch already at the commit is not pushed,
 * an open pull request for the branch is returned instead of opening another (and GitHub's 422 "A
 * pull request already exists" is read the same way), the comment carrying the hidden marker is
 * edited in place, merging a merged pull request returns it.
 */
public final class GitHubForge implements Forge {

    private final GitHub github;
    private final GitHubProperties props;
    private final Credentials credentials;

    /** Supplies the token a push (or an agent's clone) authenticates with. */
    public interface Credentials {
        /** The token the fleet's own calls and pushes use. */
        String token() throws IOException;

        /** The login comments by the fleet carry (a user, or an App's {@code <slug>[bot]}). */
        String login() throws IOException;

        /** A token for an agent to clone one repository with: read-only and scoped where possible. */
        String cloneToken(String repository) throws IOException;
    }

    public GitHubForge(GitHub github, GitHubProperties props, Credentials credentials) {
        this.github = github;
        this.props = props;
        this.credentials = credentials;
    }

    @Override
    public RepositoryInfo repository(String repository) {
        return call("repository " + repository, () -> {
            GHRepository repo = repo(repository);
            String branch = repo.getDefaultBranch();
            return new RepositoryInfo(repository, branch, head(repo, branch).orElse(null));
        });
    }

    @Override
    public String cloneUri(String repository) {
        return props.gitUrlOf(repository);
    }

    @Override
    public Issue issue(String repository, int number) {
        return call("issue #" + number + " of " + repository, () -> {
            GHIssue issue = repo(repository).getIssue(number);
            return new Issue(
                    repository,
                    number,
                    issue.getTitle(),
                    issue.getBody() == null ? "" : issue.getBody(),
                    issue.getUser() == null ? null : issue.getUser().getLogin(),
                    issue.getLabels().stream().map(GHLabel::getName).toList());
        });
    }

    @Override
    public Issue openIssue(String repository, NewIssue request) {
        String tag = "<!-- " + request.marker() + " -->";
        return call("new issue in " + repository, () -> {
            GHRepository repo = repo(repository);
            String login = credentials.login();
            // Only the fleet's own issue counts: anyone can write the marker into theirs.
            for (GHIssue open : repo.queryIssues().state(GHIssueState.OPEN).list()) {
                if (!open.isPullRequest()
                        && open.getUser() != null
                        && login.equals(open.getUser().getLogin())
                        && open.getBody() != null
                        && open.getBody().contains(tag)) {
                    return issue(repository, open.getNumber());
                }
            }
            var builder = repo.createIssue(request.title()).body(request.taggedBody());
            for (String label : request.labels()) {
                builder = builder.label(label);
            }
            GHIssue created = builder.create();
            return new Issue(
                    repository,
                    created.getNumber(),
                    created.getTitle(),
                    created.getBody() == null ? "" : created.getBody(),
                    login,
                    created.getLabels().stream().map(GHLabel::getName).toList());
        });
    }

    @Override
    public Optional<String> branchHead(String repository, String branch) {
        return call("branch " + branch + " of " + repository, () -> head(repo(repository), branch));
    }

    @Override
    public boolean pushBranch(String repository, String branch, Path sourceGitDir, String commit) {
        if (branchHead(repository, branch).filter(commit::equals).isPresent()) {
            return false;
        }
        GitPush.push(
                sourceGitDir,
                props.gitUrlOf(repository),
                branch,
                commit,
                cloneCredentials(repository),
                true, // the fleet's own branch: a new iteration replaces what it showed
                repository);
        return true;
    }

    @Override
    public Optional<PullRequest> findPullRequest(String repository, String headBranch) {
        return call(
                "pull requests of " + repository,
                () -> find(repo(repository), headBranch).map(this::toPullRequest));
    }

    @Override
    public PullRequest openPullRequest(String repository, NewPullRequest request) {
        return call("pull request for " + request.headBranch() + " on " + repository, () -> {
            GHRepository repo = repo(repository);
            Optional<GHPullRequest> open =
                    find(repo, request.headBranch()).filter(pr -> pr.getState() == GHIssueState.OPEN);
            if (open.isPresent()) {
                return toPullRequest(open.get());
            }
            try {
                return toPullRequest(repo.createPullRequest(
                        request.title(), request.headBranch(), request.baseBranch(), request.body()));
            } catch (IOException e) {
                // Opened meanwhile (a retry racing the first attempt): GitHub says so with a 422.
                if (GitHubErrors.isCode(e, 422) && GitHubErrors.message(e).contains("already exists")) {
                    return find(repo, request.headBranch())
                            .filter(pr -> pr.getState() == GHIssueState.OPEN)
                            .map(this::toPullRequest)
                            .orElseThrow(() -> e);
                }
                throw e;
            }
        });
    }

    @Override
    @SuppressWarnings("deprecation") // getUserName reads the login in the answer; getUser() fetches the user
    public boolean upsertComment(String repository, int number, String marker, String body) {
        String tag = "<!-- " + marker + " -->";
        String tagged = body.contains(tag) ? body : tag + "\n" + body;
        return call("comment on #" + number + " of " + repository, () -> {
            GHIssue issue = repo(repository).getIssue(number);
            String login = credentials.login();
            for (GHIssueComment comment : issue.queryComments().list()) {
                // Only the fleet's own comment: anyone can write the marker into one of theirs.
                if (login.equals(comment.getUserName())
                        && comment.getBody() != null
                        && comment.getBody().contains(tag)) {
                    if (!comment.getBody().equals(tagged)) {
                        comment.update(tagged);
                    }
                    return false;
                }
            }
            issue.comment(tagged);
            return true;
        });
    }

    @Override
    public boolean postReview(String repository, int number, Review review) {
        String tag = "<!-- " + review.marker() + " -->";
        String body = tag + "\n" + review.body();
        return call("review of #" + number + " of " + repository, () -> {
            GHPullRequest pr = repo(repository).getPullRequest(number);
            String login = credentials.login();
            for (GHPullRequestReview posted : pr.listReviews()) {
                // Only the fleet's own review: anyone can write the marker into one of theirs.
                if (posted.getUser() != null
                        && login.equals(posted.getUser().getLogin())
                        && posted.getBody() != null
                        && posted.getBody().contains(tag)) {
                    return false;
                }
            }
            GHPullRequestReviewBuilder builder = pr.createReview()
                    .body(body)
                    .event(GHPullRequestReviewEvent.COMMENT)
                    .commitId(review.commitId());
            review.comments().forEach(c -> builder.singleLineComment(c.body(), c.path(), c.line()));
            try {
                builder.create();
            } catch (org.kohsuke.github.HttpException e) {
                if (e.getResponseCode() != 422 || review.comments().isEmpty()) {
                    throw e;
                }
                // A line GitHub does not count as part of the diff (the branch moved on): the same
                // review with the comments in its body instead.
                pr.createReview()
                        .body(body + "\n\n" + inBody(review.comments()))
                        .event(GHPullRequestReviewEvent.COMMENT)
                        .commitId(review.commitId())
                        .create();
            }
            return true;
        });
    }

    private static String inBody(List<LineComment> comments) {
        StringBuilder text = new StringBuilder();
        for (LineComment c : comments) {
            // The path comes from the model: shown as code, on one line, without backticks of its own.
            String path = c.path().replaceAll("[`\\s]", "_");
            text.append('`')
                    .append(path)
                    .append(':')
                    .append(c.line())
                    .append("`\n\n")
                    .append(c.body())
                    .append("\n\n");
        }
        return text.toString().strip();
    }

    @Override
    public void addLabels(String repository, int number, List<String> labels) {
        if (labels.isEmpty()) {
            return;
        }
        call("labels on #" + number + " of " + repository, () -> {
            // GitHub adds labels idempotently: one already there stays once.
            repo(repository).getIssue(number).addLabels(labels.toArray(String[]::new));
            return null;
        });
    }

    @Override
    public PullRequest merge(String repository, int number, MergeMethod method, String expectedHead) {
        return call("merge of #" + number + " of " + repository, () -> {
            GHRepository repo = repo(repository);
            GHPullRequest pr = repo.getPullRequest(number);
            if (pr.isMerged()) {
                return toPullRequest(pr);
            }
            if (pr.getState() == GHIssueState.CLOSED) {
                throw new ForgeException("pull request #" + number + " of " + repository + " is closed");
            }
            try {
                pr.merge(
                        pr.getTitle(),
                        // GitHub refuses (409) when the head moved from what the fleet pushed.
                        expectedHead != null ? expectedHead : pr.getHead().getSha(),
                        method == MergeMethod.SQUASH
                                ? GHPullRequest.MergeMethod.SQUASH
                                : GHPullRequest.MergeMethod.MERGE);
            } catch (IOException e) {
                if (GitHubErrors.isCode(e, 405) || GitHubErrors.isCode(e, 409)) {
                    throw new ForgeException.MergeConflict(
                            "GitHub cannot merge #" + number + " of " + repository + ": " + GitHubErrors.message(e));
                }
                throw e;
            }
            return toPullRequest(repo.getPullRequest(number));
        });
    }

    @Override
    public org.eclipse.jgit.transport.CredentialsProvider cloneCredentials(String repository) {
        return new UsernamePasswordCredentialsProvider("x-access-token", call("credentials", credentials::token));
    }

    /**
     * The token an agent clones {@code repository} with; never log it. With an App: minted for that
     * repository alone, contents read-only, an hour long. With a personal token: that token.
     */
    public String cloneToken(String repository) {
        return call("clone credentials for " + repository, () -> credentials.cloneToken(repository));
    }

    private GHRepository repo(String repository) throws IOException {
        if (!repository.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+") || repository.contains("..")) {
            throw new IllegalArgumentException("repository must look like owner/name, got '" + repository + "'");
        }
        return github.getRepository(repository);
    }

    private static Optional<String> head(GHRepository repo, String branch) throws IOException {
        try {
            return Optional.ofNullable(repo.getBranch(branch).getSHA1());
        } catch (GHFileNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The open pull request of the branch, else the newest one. */
    private static Optional<GHPullRequest> find(GHRepository repo, String branch) throws IOException {
        String owner = repo.getFullName().substring(0, repo.getFullName().indexOf('/'));
        List<GHPullRequest> all = repo.queryPullRequests()
                .head(owner + ":" + branch)
                .state(GHIssueState.ALL)
                .list()
                .toList();
        return all.stream()
                .filter(pr -> pr.getHead().getRef().equals(branch))
                .min(Comparator.comparing((GHPullRequest pr) -> pr.getState() != GHIssueState.OPEN)
                        .thenComparing(GHPullRequest::getNumber, Comparator.reverseOrder()));
    }

    private PullRequest toPullRequest(GHPullRequest pr) {
        try {
            State state = pr.isMerged() ? State.MERGED : pr.getState() == GHIssueState.OPEN ? State.OPEN : State.CLOSED;
            StringBuilder diff = new StringBuilder();
            for (GHPullRequestFileDetail file : pr.listFiles()) {
                diff.append("diff --git a/")
                        .append(file.getFilename())
                        .append(" b/")
                        .append(file.getFilename())
                        .append('\n');
                if (file.getPatch() != null) {
                    diff.append(file.getPatch()).append('\n');
                }
            }
            return new PullRequest(
                    pr.getRepository().getFullName(),
                    pr.getNumber(),
                    pr.getHead().getRef(),
                    pr.getBase().getRef(),
                    pr.getTitle(),
                    state,
                    pr.getHead().getSha(),
                    state == State.MERGED ? pr.getMergeCommitSha() : null,
                    diff.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
