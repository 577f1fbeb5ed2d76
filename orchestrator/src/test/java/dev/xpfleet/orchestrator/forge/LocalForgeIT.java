package dev.xpfleet.orchestrator.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.testing.FleetServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The local forge end to end on real git and PostgreSQL: every write done twice changes nothing more. */
@SpringBootTest
@FleetServices(database = true)
class LocalForgeIT {

    static final Path ROOT = temp("forge");

    @DynamicPropertySource
    static void forge(DynamicPropertyRegistry registry) {
        registry.add("fleet.forge.local-root", ROOT::toString);
    }

    @Autowired
    LocalForge forge;

    private String repo;
    private Path work;
    private Git git;

    @BeforeEach
    void repositoryWithAFirstCommit() throws Exception {
        repo = "acme/app-" + UUID.randomUUID().toString().substring(0, 8);
        forge.createRepository(repo);
        work = temp("work");
        git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
        Files.writeString(work.resolve("Greeter.java"), "class Greeter {\n  String hi() { return \"hi\"; }\n}\n");
        RevCommit first = commit("first");
        assertThat(forge.pushBranch(repo, "main", gitDir(), first.getName())).isTrue();
    }

    @Test
    void aBranchIsPushedOnceAPullRequestOpenedOnceAndMergedOnce() throws Exception {
        assertThat(forge.repository(repo).defaultBranch()).isEqualTo("main");
        Forge.Issue issue = forge.openIssue(repo, "Say hello politely", "Greeter is rude", "alice", List.of("agent"));
        git.checkout().setCreateBranch(true).setName("agent/work").call();
        Files.writeString(work.resolve("Greeter.java"), "class Greeter {\n  String hi() { return \"hello\"; }\n}\n");
        String change = commit("polite").getName();
        String branch = "agent/" + UUID.randomUUID();

        assertThat(forge.pushBranch(repo, branch, gitDir(), change)).isTrue();
        assertThat(forge.pushBranch(repo, branch, gitDir(), change))
                .as("already there")
                .isFalse();
        Forge.NewPullRequest request =
                new Forge.NewPullRequest(branch, "main", "Say hello", "Closes #" + issue.number(), UUID.randomUUID());
        Forge.PullRequest opened = forge.openPullRequest(repo, request);
        Forge.PullRequest again = forge.openPullRequest(repo, request);

        assertThat(opened.number()).as("issues and pull requests share numbers").isEqualTo(issue.number() + 1);
        assertThat(again.number()).isEqualTo(opened.number());
        assertThat(forge.pullRequests(repo)).hasSize(1);
        assertThat(opened.diff())
                .contains("-  String hi() { return \"hi\"; }")
                .contains("+  String hi() { return \"hello\"; }");
        assertThat(forge.findPullRequest(repo, branch)).contains(opened);

        Forge.PullRequest merged = forge.merge(repo, opened.number(), Forge.MergeMethod.MERGE);
        Forge.PullRequest mergedAgain = forge.merge(repo, opened.number(), Forge.MergeMethod.MERGE);

        assertThat(merged.state()).isEqualTo(Forge.State.MERGED);
        assertThat(mergedAgain.mergeCommit()).isEqualTo(merged.mergeCommit());
        assertThat(forge.repository(repo).headCommit()).isEqualTo(merged.mergeCommit());
        Path clone = temp("clone");
        try (Git check = Git.cloneRepository()
                .setURI(ROOT.resolve(repo + ".git").toUri().toString())
                .setDirectory(clone.toFile())
                .call()) {
            assertThat(Files.readString(clone.resolve("Greeter.java"))).contains("hello");
        }
        assertThat(forge.openPullRequest(repo, request).number())
                .as("a merged branch opened again is a new pull request")
                .isEqualTo(opened.number() + 1);
    }

    @Test
    void theStatusCommentIsEditedInPlaceAndLabelsAreAddedOnce() {
        Forge.Issue issue = forge.openIssue(repo, "Fix it", "", "bob", List.of());

        assertThat(forge.upsertComment(repo, issue.number(), "xp-fleet:status", "Picked up"))
                .isTrue();
        assertThat(forge.upsertComment(repo, issue.number(), "xp-fleet:status", "Iteration 1 failed QA"))
                .isFalse();
        forge.addLabels(repo, issue.number(), List.of("agent", "in-progress"));
        forge.addLabels(repo, issue.number(), List.of("in-progress"));

        assertThat(forge.comments(repo, issue.number()))
                .singleElement()
                .satisfies(c -> assertThat(c[1]).isEqualTo("Iteration 1 failed QA"));
        assertThat(forge.issue(repo, issue.number()).labels()).containsExactly("agent", "in-progress");
    }

    @Test
    void conflictingChangesAreRefusedAndTheBaseIsLeftAlone() throws Exception {
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
                forge.merge(repo, first.number(), Forge.MergeMethod.SQUASH).mergeCommit();

        assertThatThrownBy(() -> forge.merge(repo, second.number(), Forge.MergeMethod.MERGE))
                .isInstanceOf(ForgeException.MergeConflict.class)
                .hasMessageContaining("conflict");
        assertThat(forge.repository(repo).headCommit()).isEqualTo(afterFirst).isNotEqualTo(base);
        assertThat(forge.pullRequest(repo, second.number()).state()).isEqualTo(Forge.State.OPEN);
    }

    @Test
    void badNamesAndUnknownThingsGetClearErrors() {
        assertThatThrownBy(() -> forge.createRepository("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> forge.repository("acme/missing")).hasMessageContaining("no repository acme/missing");
        assertThatThrownBy(() -> forge.issue(repo, 999)).hasMessageContaining("no issue #999");
        assertThatThrownBy(() -> forge.pushBranch(repo, "../x", gitDir(), "0".repeat(40)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> forge.openPullRequest(repo, new Forge.NewPullRequest("nope", "main", "t", "", null)))
                .hasMessageContaining("has no branch nope");
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

    private static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
