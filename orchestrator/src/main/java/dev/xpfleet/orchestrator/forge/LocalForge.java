package dev.xpfleet.orchestrator.forge;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The forge with no network: git in bare repositories on disk ({@link LocalRepositories}), issues,
 * pull requests and comments in PostgreSQL. Used by the embedded default, the offline demo and the
 * tests, through the same {@link Forge} port as GitHub.
 */
public class LocalForge implements Forge {

    private final LocalRepositories git;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    public LocalForge(Path root, JdbcClient jdbc, TransactionTemplate tx) {
        this.git = new LocalRepositories(root);
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** Creates an empty repository (default branch {@code main}); creating it again changes nothing. */
    public RepositoryInfo createRepository(String repository) {
        git.create(repository);
        register(repository);
        return git.info(repository);
    }

    /** Imports a repository from a path or URL git can clone. */
    public RepositoryInfo importRepository(String repository, String source) {
        git.importFrom(repository, source);
        register(repository);
        return git.info(repository);
    }

    /** Opens an issue as a person would on a hosted forge. */
    public Issue openIssue(String repository, String title, String body, String author, List<String> labels) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("an issue needs a title");
        }
        return tx.execute(s -> {
            int number = nextNumber(repository);
            jdbc.sql("""
                            INSERT INTO forge_issues (repository, number, title, body, author, labels)
                            VALUES (:r, :n, :title, :body, :author, :labels)
                            """)
                    .param("r", repository)
                    .param("n", number)
                    .param("title", title)
                    .param("body", body == null ? "" : body)
                    .param("author", author)
                    .param("labels", labels.toArray(String[]::new))
                    .update();
            return issue(repository, number);
        });
    }

    /** The author of the issues the fleet opens on the local forge. */
    static final String FLEET_AUTHOR = "xp-fleet";

    @Override
    public Issue openIssue(String repository, NewIssue request) {
        if (request.title() == null || request.title().isBlank()) {
            throw new IllegalArgumentException("an issue needs a title");
        }
        String tag = "<!-- " + request.marker() + " -->";
        return tx.execute(s -> {
            // The repository's row serialises openers: the check and the insert are one step.
            jdbc.sql("SELECT 1 FROM forge_repositories WHERE repository = :r FOR UPDATE")
                    .param("r", repository)
                    .query(Integer.class)
                    .optional()
                    .orElseThrow(() -> new ForgeException("no repository " + repository + " on the local forge"));
            Optional<Integer> open = jdbc.sql("""
                            SELECT number FROM forge_issues
                             WHERE repository = :r AND state = 'OPEN' AND author = :author
                               AND strpos(body, :tag) > 0
                             ORDER BY number LIMIT 1
                            """)
                    .param("r", repository)
                    .param("author", FLEET_AUTHOR)
                    .param("tag", tag)
                    .query(Integer.class)
                    .optional();
            return open.map(n -> issue(repository, n))
                    .orElseGet(() -> openIssue(
                            repository, request.title(), request.taggedBody(), FLEET_AUTHOR, request.labels()));
        });
    }

    @Override
    public RepositoryInfo repository(String repository) {
        return git.info(repository);
    }

    @Override
    public String cloneUri(String repository) {
        return git.gitDir(repository).toUri().toString();
    }

    @Override
    public Issue issue(String repository, int number) {
        return jdbc.sql("SELECT * FROM forge_issues WHERE repository = :r AND number = :n")
                .param("r", repository)
                .param("n", number)
                .query((rs, i) -> new Issue(
                        repository,
                        number,
                        rs.getString("title"),
                        rs.getString("body"),
                        rs.getString("author"),
                        List.of((String[]) rs.getArray("labels").getArray())))
                .optional()
                .orElseThrow(() -> new ForgeException("no issue #" + number + " in " + repository));
    }

    @Override
    public Optional<String> branchHead(String repository, String branch) {
        return git.branchHead(repository, branch);
    }

    @Override
    public boolean pushBranch(String repository, String branch, Path sourceGitDir, String commit) {
        boolean pushed = git.push(repository, branch, sourceGitDir, commit);
        if (pushed) {
            // As on GitHub, an open pull request of the branch now shows the new commit.
            findPullRequest(repository, branch)
                    .filter(pr -> pr.state() == State.OPEN)
                    .ifPresent(pr -> jdbc.sql("""
                                    UPDATE forge_pull_requests SET head_commit = :c, diff = :d
                                     WHERE repository = :r AND number = :n AND state = 'OPEN'
                                    """)
                            .param("c", commit)
                            .param("d", git.diff(repository, pr.baseBranch(), commit))
                            .param("r", repository)
                            .param("n", pr.number())
                            .update());
        }
        return pushed;
    }

    @Override
    public Optional<PullRequest> findPullRequest(String repository, String headBranch) {
        return jdbc.sql("""
                        SELECT * FROM forge_pull_requests WHERE repository = :r AND head_branch = :b
                         ORDER BY (state = 'OPEN') DESC, number DESC LIMIT 1
                        """)
                .param("r", repository)
                .param("b", headBranch)
                .query(LocalForge::pullRequest)
                .optional();
    }

    /** One pull request by number, with its diff. */
    public PullRequest pullRequest(String repository, int number) {
        return jdbc.sql("SELECT * FROM forge_pull_requests WHERE repository = :r AND number = :n")
                .param("r", repository)
                .param("n", number)
                .query(LocalForge::pullRequest)
                .optional()
                .orElseThrow(() -> new ForgeException("no pull request #" + number + " in " + repository));
    }

    public List<PullRequest> pullRequests(String repository) {
        return jdbc.sql("SELECT * FROM forge_pull_requests WHERE repository = :r ORDER BY number")
                .param("r", repository)
                .query(LocalForge::pullRequest)
                .list();
    }

    @Override
    public PullRequest openPullRequest(String repository, NewPullRequest request) {
        LocalRepositories.checkBranch(request.headBranch());
        Optional<PullRequest> open =
                findPullRequest(repository, request.headBranch()).filter(pr -> pr.state() == State.OPEN);
        if (open.isPresent()) {
            return open.get();
        }
        String head = git.head(repository, request.headBranch());
        String diff = git.diff(repository, request.baseBranch(), head);
        try {
            return tx.execute(s -> {
                int number = nextNumber(repository);
                jdbc.sql("""
                                INSERT INTO forge_pull_requests
                                       (repository, number, task_id, head_branch, base_branch, title, body, head_commit, diff)
                                VALUES (:r, :n, :task, :head, :base, :title, :body, :commit, :diff)
                                """)
                        .param("r", repository)
                        .param("n", number)
                        .param("task", request.taskId())
                        .param("head", request.headBranch())
                        .param("base", request.baseBranch())
                        .param("title", request.title())
                        .param("body", request.body() == null ? "" : request.body())
                        .param("commit", head)
                        .param("diff", diff)
                        .update();
                return pullRequest(repository, number);
            });
        } catch (DuplicateKeyException raced) {
            // Another replica opened it in the meantime: that one is the pull request.
            return findPullRequest(repository, request.headBranch()).orElseThrow();
        }
    }

    @Override
    public boolean upsertComment(String repository, int number, String marker, String body) {
        boolean known = jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM forge_issues WHERE repository = :r AND number = :n)
                            OR EXISTS (SELECT 1 FROM forge_pull_requests WHERE repository = :r AND number = :n)
                        """)
                .param("r", repository)
                .param("n", number)
                .query(Boolean.class)
                .single();
        if (!known) {
            throw new ForgeException("no issue or pull request #" + number + " in " + repository);
        }
        return jdbc.sql("""
                        INSERT INTO forge_comments (repository, number, marker, body) VALUES (:r, :n, :m, :b)
                        ON CONFLICT (repository, number, marker) DO UPDATE SET body = :b, updated_at = now()
                        RETURNING (xmax = 0) AS created
                        """)
                .param("r", repository)
                .param("n", number)
                .param("m", marker)
                .param("b", body)
                .query(Boolean.class)
                .single();
    }

    @Override
    public boolean postReview(String repository, int number, Review review) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            int posted = jdbc.sql("""
                            INSERT INTO forge_reviews (repository, number, marker, commit_id, body)
                            VALUES (:r, :n, :m, :c, :b) ON CONFLICT DO NOTHING
                            """)
                    .param("r", repository)
                    .param("n", number)
                    .param("m", review.marker())
                    .param("c", review.commitId())
                    .param("b", review.body())
                    .update();
            if (posted == 0) {
                return false;
            }
            int position = 0;
            for (LineComment comment : review.comments()) {
                jdbc.sql("""
                                INSERT INTO forge_review_comments (repository, number, marker, position, path, line, body)
                                VALUES (:r, :n, :m, :p, :path, :line, :b)
                                """)
                        .param("r", repository)
                        .param("n", number)
                        .param("m", review.marker())
                        .param("p", position++)
                        .param("path", comment.path())
                        .param("line", comment.line())
                        .param("b", comment.body())
                        .update();
            }
            return true;
        }));
    }

    /** The reviews of a pull request, oldest first, with their line comments. */
    public List<Review> reviews(String repository, int number) {
        return jdbc.sql("""
                        SELECT marker, commit_id, body FROM forge_reviews
                         WHERE repository = :r AND number = :n ORDER BY created_at, marker
                        """)
                .param("r", repository)
                .param("n", number)
                .query((rs, i) -> new Review(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        jdbc.sql("""
                                        SELECT path, line, body FROM forge_review_comments
                                         WHERE repository = :r AND number = :n AND marker = :m ORDER BY position
                                        """)
                                .param("r", repository)
                                .param("n", number)
                                .param("m", rs.getString(1))
                                .query((c, j) -> new LineComment(c.getString(1), c.getInt(2), c.getString(3)))
                                .list()))
                .list();
    }

    /** The comments on an issue or pull request, oldest first: marker and body. */
    public List<String[]> comments(String repository, int number) {
        return jdbc.sql(
                        "SELECT marker, body FROM forge_comments WHERE repository = :r AND number = :n ORDER BY created_at")
                .param("r", repository)
                .param("n", number)
                .query((rs, i) -> new String[] {rs.getString(1), rs.getString(2)})
                .list();
    }

    @Override
    public void addLabels(String repository, int number, List<String> labels) {
        String[] add = labels.toArray(String[]::new);
        int changed = 0;
        for (String table : List.of("forge_issues", "forge_pull_requests")) {
            changed += jdbc.sql("UPDATE " + table + """
                             SET labels = ARRAY(SELECT DISTINCT unnest(labels || CAST(:add AS text[])) ORDER BY 1)
                             WHERE repository = :r AND number = :n
                            """)
                    .param("add", add)
                    .param("r", repository)
                    .param("n", number)
                    .update();
        }
        if (changed == 0) {
            throw new ForgeException("no issue or pull request #" + number + " in " + repository);
        }
    }

    @Override
    public PullRequest merge(String repository, int number, MergeMethod method, String expectedHead) {
        PullRequest pr = pullRequest(repository, number);
        if (pr.state() == State.MERGED) {
            return pr;
        }
        if (pr.state() != State.OPEN) {
            throw new ForgeException("pull request #" + number + " in " + repository + " is " + pr.state());
        }
        if (expectedHead != null && !expectedHead.equals(pr.headCommit())) {
            throw new ForgeException.MergeConflict("pull request #" + number + " in " + repository + " shows "
                    + pr.headCommit() + ", not the commit the fleet pushed (" + expectedHead + ")");
        }
        String merged = git.merge(
                repository,
                pr.baseBranch(),
                pr.headCommit(),
                method,
                pr.title() + " (#" + number + ")\n\nMerged from " + pr.headBranch() + " by the XP fleet.");
        jdbc.sql("""
                        UPDATE forge_pull_requests SET state = 'MERGED', merge_commit = :m, merged_at = now()
                         WHERE repository = :r AND number = :n AND state = 'OPEN'
                        """)
                .param("m", merged)
                .param("r", repository)
                .param("n", number)
                .update();
        return pullRequest(repository, number);
    }

    private void register(String repository) {
        jdbc.sql("INSERT INTO forge_repositories (repository) VALUES (:r) ON CONFLICT DO NOTHING")
                .param("r", repository)
                .update();
    }

    private int nextNumber(String repository) {
        return jdbc.sql("""
                        UPDATE forge_repositories SET next_number = next_number + 1 WHERE repository = :r
                        RETURNING next_number - 1
                        """)
                .param("r", repository)
                .query(Integer.class)
                .optional()
                .orElseThrow(() -> new ForgeException("no repository " + repository + " on the local forge"));
    }

    private static PullRequest pullRequest(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new PullRequest(
                rs.getString("repository"),
                rs.getInt("number"),
                rs.getString("head_branch"),
                rs.getString("base_branch"),
                rs.getString("title"),
                State.valueOf(rs.getString("state")),
                rs.getString("head_commit"),
                rs.getString("merge_commit"),
                rs.getString("diff"));
    }
}
