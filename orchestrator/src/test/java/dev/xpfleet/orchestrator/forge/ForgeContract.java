package dev.xpfleet.orchestrator.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every forge adapter must do, run against each: the local forge (real git and PostgreSQL)
 * and the GitHub adapter (against a GitHub simulator answering with GitHub's published response
 * shapes). Every write done twice changes nothing more.
 */
public abstract class ForgeContract {

    /** The adapter under test. */
    protected abstract Forge forge();

    /** Creates an empty repository on the forge. */
    protected abstract void createRepository(String name);

    /** Opens an issue, as a person would on the forge. */
    protected abstract Forge.Issue openIssue(
            String repo, String title, String body, String author, List<String> labels);

    /** The bodies of an issue's comments, oldest first. */
    protected abstract List<String> commentBodies(String repo, int number);

    /** Where the forge's copy of the repository can be cloned from, to check what a merge made. */
    protected abstract String cloneUri(String repo);

    /** The reviews on a pull request as the forge keeps them, oldest first. */
    protected abstract List<Forge.Review> reviews(String repo, int number);

    protected String repo;
    private Path work;
    private Git git;

    @BeforeEach
    void repositoryWithAFirstCommit() throws Exception {
        repo = "acme/app-" + UUID.randomUUID().toString().substring(0, 8);
        createRepository(repo);
        work = temp("work");
        git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
        Files.writeString(work.resolve("Greeter.java"), "class Greeter {\n  String hi() { return \"hi\"; }\n}\n");
        RevCommit first = commit("first");
        assertThat(forge().pushBranch(repo, "main", gitDir(), first.getName())).isTrue();
    }

    /** A commit changing one file, pushed to a new branch; its id. */
    protected String pushChange(String branch, String file, String content) throws Exception {
        git.checkout()
                .setCreateBranch(true)
                .setName("work/" + UUID.randomUUID())
                .call();
        Files.writeString(work.resolve(file), content);
        String change = commit("change " + file).getName();
        forge().pushBranch(repo, branch, gitDir(), change);
        return change;
    }

    @Test
    void aReviewWithLineCommentsIsPostedOnce() throws Exception {
        Forge forge = forge();
        String branch = "agent/" + UUID.randomUUID();
        String change = pushChange(branch, "Greeter.java", "class Greeter {\n  String hi() { return \"hello\"; }\n}\n");
        Forge.PullRequest pr = forge.openPullRequest(
                repo, new Forge.NewPullRequest(branch, "main", "Say hello", "body", UUID.randomUUID()));
        Forge.Review review = new Forge.Review(
                "xp-fleet:review:" + UUID.randomUUID() + ":1",
                change,
                "**XP fleet review, iteration 1: APPROVE**",
                List.of(new Forge.LineComment("Greeter.java", 2, "A constant would read better.")));

        assertThat(forge.postReview(repo, pr.number(), review)).isTrue();
        assertThat(forge.postReview(repo, pr.number(), review))
                .as("already there")
                .isFalse();

        assertThat(reviews(repo, pr.number())).singleElement().satisfies(posted -> {
            assertThat(posted.body()).contains("iteration 1: APPROVE");
            assertThat(posted.commitId()).isEqualTo(change);
            assertThat(posted.comments())
                    .containsExactly(new Forge.LineComment("Greeter.java", 2, "A constant would read better."));
        });
    }

    @Test
    void aBranchIsPushedOnceAPullRequestOpenedOnceAndMergedOnce() throws Exception {
        Forge forge = forge();
        assertThat(forge.repository(repo).defaultBranch()).isEqualTo("main");
        Forge.Issue issue = openIssue(repo, "Say hello politely", "Greeter is rude", "alice", List.of("agent"));
        assertThat(forge.issue(repo, issue.number()))
                .extracting(Forge.Issue::title, Forge.Issue::body, Forge.Issue::author, Forge.Issue::labels)
                .containsExactly("Say hello politely", "Greeter is rude", "alice", List.of("agent"));
        git.checkout().setCreateBranch(true).setName("agent/work").call();
        Files.writeString(work.resolve("Greeter.java"), "class Greeter {\n  String hi() { return \"hello\"; }\n}\n");
        String change = commit("polite").getName();
        String branch = "agent/" + UUID.randomUUID();

        assertThat(forge.branchHead(repo, branch)).isEmpty();
        assertThat(forge.pushBranch(repo, branch, gitDir(), change)).isTrue();
        assertThat(forge.pushBranch(repo, branch, gitDir(), change))
                .as("already there")
                .isFalse();
        assertThat(forge.branchHead(repo, branch)).contains(change);
        Forge.NewPullRequest request =
                new Forge.NewPullRequest(branch, "main", "Say hello", "Closes #" + issue.number(), UUID.randomUUID());
        Forge.PullRequest opened = forge.openPullRequest(repo, request);
        Forge.PullRequest again = forge.openPullRequest(repo, request);

        assertThat(opened.number()).as("issues and pull requests share numbers").isEqualTo(issue.number() + 1);
        assertThat(again.number()).isEqualTo(opened.number());
        assertThat(opened.state()).isEqualTo(Forge.State.OPEN);
        assertThat(opened.headCommit()).isEqualTo(change);
        assertThat(opened.diff())
                .contains("-  String hi() { return \"hi\"; }")
                .contains("+  String hi() { return \"hello\"; }");
        assertThat(forge.findPullRequest(repo, branch)).contains(opened);

        Forge.PullRequest merged = forge.merge(repo, opened.number(), Forge.MergeMethod.MERGE, change);
        Forge.PullRequest mergedAgain = forge.merge(repo, opened.number(), Forge.MergeMethod.MERGE, change);

        assertThat(merged.state()).isEqualTo(Forge.State.MERGED);
        assertThat(mergedAgain.mergeCommit()).isEqualTo(merged.mergeCommit()).isNotNull();
        assertThat(forge.repository(repo).headCommit()).isEqualTo(merged.mergeCommit());
        Path clone = temp("clone");
        try (Git check = Git.cloneRepository()
                .setURI(cloneUri(repo))
                .setDirectory(clone.toFile())
                .call()) {
            assertThat(Files.readString(clone.resolve("Greeter.java"))).contains("hello");
        }
        assertThat(forge.openPullRequest(repo, request).number())
                .as("a merged branch opened again is a new pull request")
                .isEqualTo(opened.number() + 1);
    }

    @Test
    void aNewIterationOnTheBranchShowsInItsPullRequestAndAStaleMergeIsRefused() throws Exception {
        Forge forge = forge();
        git.checkout().setCreateBranch(true).setName("iteration1").call();
        Files.writeString(work.resolve("Greeter.java"), "class Greeter {\n  String hi() { return \"hey\"; }\n}\n");
        String first = commit("first try").getName();
        git.checkout().setName("main").call();
        git.checkout().setCreateBranch(true).setName("iteration2").call();
        Files.writeString(work.resolve("Greeter.java"), "class Greeter {\n  String hi() { return \"hello\"; }\n}\n");
        String second = commit("second try").getName();
        String branch = "agent/" + UUID.randomUUID();
        forge.pushBranch(repo, branch, gitDir(), first);
        Forge.PullRequest opened =
                forge.openPullRequest(repo, new Forge.NewPullRequest(branch, "main", "Greet", "", null));

        assertThat(forge.pushBranch(repo, branch, gitDir(), second))
                .as("a new iteration replaces the branch")
                .isTrue();
        Forge.PullRequest updated = forge.findPullRequest(repo, branch).orElseThrow();

        assertThat(updated.number()).isEqualTo(opened.number());
        assertThat(updated.headCommit()).isEqualTo(second);
        assertThat(updated.diff())
                .contains("+  String hi() { return \"hello\"; }")
                .doesNotContain("hey");
        assertThatThrownBy(() -> forge.merge(repo, opened.number(), Forge.MergeMethod.MERGE, first))
                .as("the pull request no longer shows what was judged")
                .isInstanceOf(ForgeException.MergeConflict.class);
        assertThat(forge.merge(repo, opened.number(), Forge.MergeMethod.MERGE, second)
                        .state())
                .isEqualTo(Forge.State.MERGED);
    }

    @Test
    void theStatusCommentIsEditedInPlaceAndLabelsAreAddedOnce() {
        Forge forge = forge();
        Forge.Issue issue = openIssue(repo, "Fix it", "", "bob", List.of());
        String marker = "xp-fleet:status:" + UUID.randomUUID();

        assertThat(forge.upsertComment(repo, issue.number(), marker, "<!-- " + marker + " -->\nPicked up"))
                .isTrue();
        assertThat(forge.upsertComment(repo, issue.number(), marker, "<!-- " + marker + " -->\nIteration 1 failed QA"))
                .isFalse();
        forge.addLabels(repo, issue.number(), List.of("agent", "in-progress"));
        forge.addLabels(repo, issue.number(), List.of("in-progress"));

        assertThat(commentBodies(repo, issue.number()))
                .singleElement()
                .asString()
                .endsWith("Iteration 1 failed QA");
        assertThat(forge.issue(repo, issue.number()).labels()).containsExactly("agent", "in-progress");
    }

    @Test
    void theFleetOpensAnIssueOnceByItsMarkerAndIgnoresSomeoneElsesCopy() {
        Forge forge = forge();
        String marker = "xp-fleet:refactor:" + UUID.randomUUID();
        // Someone copies the marker into an issue of their own: it is not the fleet's.
        Forge.Issue copy = openIssue(repo, "Copied", "<!-- " + marker + " -->\nnot the fleet's", "mallory", List.of());
        Forge.NewIssue wanted = new Forge.NewIssue(
                "Refactor A.java: complexity", "Behaviour must not change.", List.of("agent", "refactor"), marker);

        Forge.Issue opened = forge.openIssue(repo, wanted);
        Forge.Issue again = forge.openIssue(repo, wanted);

        assertThat(opened.number()).isNotEqualTo(copy.number());
        assertThat(again.number()).as("a retry finds the issue it opened").isEqualTo(opened.number());
        Forge.Issue read = forge.issue(repo, opened.number());
        assertThat(read.title()).isEqualTo("Refactor A.java: complexity");
        assertThat(read.body()).startsWith("<!-- " + marker + " -->").contains("Behaviour must not change.");
        assertThat(read.labels()).containsExactly("agent", "refactor");
    }

    @Test
    void conflictingChangesAreRefusedAndTheBaseIsLeftAlone() throws Exception {
        Forge forge = forge();
        String base = forge.repository(repo).headCommit();
        git.checkout().setCreateBranch(true).setName("one").call();
        Files.writeString(work.resolve("Greeter.java"), "class Greeter { String hi() { return \"one\"; } }\n");
        String one = commit("one").getName();
        git.checkout().setName("main").call();
        git.checkout().setCreateBranch(true).setName("two").call();
        Files.writeString(work.resolve("Greeter.java"), "class Greeter { String hi() { return \"two\"; } }\n");
        String two = commit("two").getName();
        forge.pushBranch(repo, "agent/one", gitDir(), one);
        forge.pushBranch(repo, "agent/two", gitDir(), two);
        Forge.PullRequest first =
                forge.openPullRequest(repo, new Forge.NewPullRequest("agent/one", "main", "one", "", null));
        Forge.PullRequest second =
                forge.openPullRequest(repo, new Forge.NewPullRequest("agent/two", "main", "two", "", null));

        String afterFirst =
                forge.merge(repo, first.number(), Forge.MergeMethod.SQUASH, one).mergeCommit();

        assertThatThrownBy(() -> forge.merge(repo, second.number(), Forge.MergeMethod.MERGE, two))
                .isInstanceOf(ForgeException.MergeConflict.class);
        assertThat(forge.repository(repo).headCommit()).isEqualTo(afterFirst).isNotEqualTo(base);
        assertThat(forge.findPullRequest(repo, "agent/two").orElseThrow().state())
                .isEqualTo(Forge.State.OPEN);
    }

    @Test
    void unknownThingsAndBadNamesAreClearErrors() {
        Forge forge = forge();
        assertThatThrownBy(() -> forge.repository("acme/missing")).isInstanceOf(ForgeException.class);
        assertThatThrownBy(() -> forge.issue(repo, 999)).isInstanceOf(ForgeException.class);
        assertThatThrownBy(() -> forge.openPullRequest(repo, new Forge.NewPullRequest("nope", "main", "t", "", null)))
                .isInstanceOf(ForgeException.class);
        assertThatThrownBy(() -> forge.repository("../etc")).isInstanceOf(IllegalArgumentException.class);
    }

    private RevCommit commit(String message) throws Exception {
        git.add().addFilepattern(".").call();
        return git.commit()
                .setMessage(message)
                .setAuthor("t", "t@example.com")
                .setCommitter("t", "t@example.com")
                .setSign(false)
                .call();
    }

    private Path gitDir() {
        return work.resolve(".git");
    }

    protected static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
