package dev.xpfleet.orchestrator.forge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.Workspaces;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskControl;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * From an issue on the local forge to a merged pull request, with every agent's result delivered
 * twice and the forge step run three times: one branch, one pull request, one status comment, one
 * merge.
 */
@SpringBootTest(
        properties = {"fleet.forge.auto-merge=true", "fleet.forge.step-interval=PT1H", "fleet.outbox.poll-interval=1h"})
@FleetServices(database = true)
class ForgeFlowIT {

    static final Path ROOT = temp("forge-flow");

    @DynamicPropertySource
    static void forge(DynamicPropertyRegistry registry) {
        registry.add("fleet.forge.local-root", ROOT::toString);
        registry.add("fleet.forge.workspaces", () -> temp("forge-workspaces").toString());
    }

    @Autowired
    LocalForge forge;

    @Autowired
    PullRequestStep step;

    @Autowired
    StatusComments statusComments;

    @Autowired
    TaskRepository tasks;

    @Autowired
    TaskControl control;

    @Autowired
    ApplicationContext context;

    @Autowired
    ArtifactStore artifacts;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anApprovedTaskBecomesOneMergedPullRequestWhateverIsRepeated() throws Exception {
        String repo = "acme/flow-" + UUID.randomUUID().toString().substring(0, 8);
        forge.createRepository(repo);
        Path seed = temp("seed");
        try (Git git =
                Git.init().setDirectory(seed.toFile()).setInitialBranch("main").call()) {
            Files.writeString(seed.resolve("Price.java"), "class Price {\n  long cents() { return 100; }\n}\n");
            git.add().addFilepattern(".").call();
            String first = git.commit()
                    .setMessage("first")
                    .setAuthor("t", "t@e")
                    .setCommitter("t", "t@e")
                    .setSign(false)
                    .call()
                    .getName();
            forge.pushBranch(repo, "main", seed.resolve(".git"), first);
        }
        Forge.Issue issue = forge.openIssue(repo, "Prices in euros", "Show cents as euros", "alice", List.of("agent"));
        Task task = tx.execute(s -> control.create(
                new NewTask(repo, issue.number(), issue.title(), issue.body(), TaskMode.LINEAR, 3, "alice"),
                false,
                Map.of()));

        String patchKey = "tasks/" + task.id() + "/dev/1/patch.diff";
        try (Workspace workspace = new Workspaces(temp("dev"))
                .cloneAt(forge.cloneUri(repo), forge.repository(repo).headCommit(), null)) {
            Files.writeString(
                    workspace.dir().resolve("Price.java"),
                    "class Price {\n  long cents() { return 100; }\n  String euros() { return \"1.00\"; }\n}\n");
            artifacts.put(patchKey, workspace.diff().text().getBytes(StandardCharsets.UTF_8), "text/x-diff");
        }

        deliverTwice(task, "dev", MessageTypes.DEV_IMPLEMENT, Map.of("patch", patchKey, "patchHash", "h1"));
        deliverTwice(task, "qa", MessageTypes.QA_VERIFY, Map.of("verdict", "PASSED", "coverage", "0.92"));
        TaskResults.deliverTwice(context, tasks, task, "review", MessageTypes.REVIEW_DIFF, (ObjectNode)
                EnvelopeCodec.mapper().readTree("""
                        {"decision": "APPROVE", "summary": "Small and tested.",
                         "findings": [{"fingerprint": "f1", "file": "Price.java", "line": 3, "severity": "minor",
                                       "category": "style", "explanation": "Format with two decimals.",
                                       "suggestion": "  long euros() { return cents() / 100; }",
                                       "status": "NEW", "raisedIn": 1}]}
                        """));
        assertThat(state(task)).isEqualTo(TaskState.APPROVED);

        step.runOnce();
        statusComments.runOnce();
        step.runOnce();
        step.runOnce();
        statusComments.runOnce();
        statusComments.runOnce();

        assertThat(state(task)).isEqualTo(TaskState.MERGED);
        List<Forge.PullRequest> prs = forge.pullRequests(repo);
        assertThat(prs).singleElement().satisfies(pr -> {
            assertThat(pr.state()).isEqualTo(Forge.State.MERGED);
            assertThat(pr.headBranch()).isEqualTo("agent/" + task.id());
            assertThat(pr.diff()).contains("+  String euros()");
        });
        assertThat(forge.repository(repo).headCommit()).isEqualTo(prs.get(0).mergeCommit());
        assertThat(forge.reviews(repo, prs.get(0).number()))
                .as("the review posted once, with its line comment and suggestion")
                .singleElement()
                .satisfies(review -> {
                    assertThat(review.marker()).isEqualTo("xp-fleet:review:" + task.id() + ":1");
                    assertThat(review.body()).contains("iteration 1: APPROVE").contains("> Small and tested.");
                    assertThat(review.comments()).singleElement().satisfies(c -> {
                        assertThat(c.path()).isEqualTo("Price.java");
                        assertThat(c.line()).isEqualTo(3);
                        assertThat(c.body())
                                .contains("Format with two decimals.")
                                .contains("```suggestion\n  long euros()");
                    });
                });
        assertThat(forge.comments(repo, issue.number()))
                .singleElement()
                .satisfies(
                        c -> assertThat(c[1]).contains("Merged (#" + prs.get(0).number() + ")"));
        assertThat(jdbc.sql("SELECT count(*) FROM audit_trail WHERE task_id = :t AND action = 'pull_request.opened'")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM agent_logs WHERE task_id = :t")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .as("each result applied once")
                .isEqualTo(3);
        Path check = temp("check");
        try (Git clone = Git.cloneRepository()
                .setURI(forge.cloneUri(repo))
                .setDirectory(check.toFile())
                .call()) {
            assertThat(Files.readString(check.resolve("Price.java"))).contains("euros()");
        }
    }

    @Test
    void aTaskWhoseIssueTheForgeDoesNotKnowShowsItOnceAndDoesNotHoldUpTheOthers() throws Exception {
        String unknown = "acme/gone-" + UUID.randomUUID().toString().substring(0, 8);
        Task lost = tx.execute(
                s -> control.create(new NewTask(unknown, 7, "Lost", "", TaskMode.LINEAR, 3, "alice"), false, Map.of()));
        String repo = "acme/fine-" + UUID.randomUUID().toString().substring(0, 8);
        forge.createRepository(repo);
        Forge.Issue issue = forge.openIssue(repo, "Fix totals", "", "alice", List.of("agent"));
        tx.execute(s -> control.create(
                new NewTask(repo, issue.number(), issue.title(), "", TaskMode.LINEAR, 3, "alice"), false, Map.of()));

        for (int round = 0; round < 3; round++) {
            statusComments.runOnce();
        }

        assertThat(comment(repo, issue.number()))
                .as("the other task's comment is written")
                .contains("Picked up");
        assertThat(jdbc.sql("SELECT detail->>'reason' FROM audit_trail WHERE task_id = :t"
                                + " AND action = 'forge.status_comment_refused'")
                        .param("t", lost.id())
                        .query(String.class)
                        .list())
                .as("shown once, not retried every round")
                .containsExactly("no issue or pull request #7 in " + unknown);
    }

    @Test
    void theStatusCommentFollowsTheTaskAndIsWrittenOnlyWhenItChanges() throws Exception {
        String repo = "acme/status-" + UUID.randomUUID().toString().substring(0, 8);
        forge.createRepository(repo);
        Forge.Issue issue = forge.openIssue(repo, "Fix totals", "", "alice", List.of("agent"));
        Task task = tx.execute(s -> control.create(
                new NewTask(repo, issue.number(), issue.title(), "", TaskMode.LINEAR, 3, "alice"), false, Map.of()));

        statusComments.runOnce();
        assertThat(comment(repo, issue.number())).contains("Picked up");

        deliverTwice(task, "dev", MessageTypes.DEV_IMPLEMENT, Map.of("patchHash", "h"));
        Map<String, String> failed = Map.of("verdict", "FAILED", "summary", "CartTest.total expected 300 but was 299");
        deliverTwice(task, "qa", MessageTypes.QA_VERIFY, failed);
        assertThat(jdbc.sql("SELECT concat_ws(' ', actor, action, detail->>'iteration', detail->>'reason')"
                                + " FROM audit_trail WHERE task_id = :t AND action IN ('dev.completed', 'qa.failed')"
                                + " ORDER BY occurred_at")
                        .param("t", task.id())
                        .query(String.class)
                        .list())
                .as("each step's decision is audited once, however often its result comes")
                .containsExactly("dev dev.completed 1", "qa qa.failed 1 CartTest.total expected 300 but was 299");
        statusComments.runOnce();
        String updated = comment(repo, issue.number());
        java.time.OffsetDateTime written = commentWrittenAt(repo);
        jdbc.sql("UPDATE tasks SET updated_at = now() WHERE id = :t")
                .param("t", task.id())
                .update();
        statusComments.runOnce();

        assertThat(updated)
                .contains("Iteration 1 did not pass: `CartTest.total expected 300 but was 299`")
                .contains("iteration 2 of 3");
        assertThat(forge.comments(repo, issue.number())).hasSize(1);
        assertThat(commentWrittenAt(repo))
                .as("the same status is not written again")
                .isEqualTo(written);
    }

    private java.time.OffsetDateTime commentWrittenAt(String repo) {
        return jdbc.sql("SELECT updated_at FROM forge_comments WHERE repository = :r")
                .param("r", repo)
                .query(java.time.OffsetDateTime.class)
                .single();
    }

    private String comment(String repo, int number) {
        return forge.comments(repo, number).get(0)[1];
    }

    @Test
    void aPatchThatDoesNotApplyFailsTheTaskWithTheReason() throws Exception {
        String repo = "acme/bad-" + UUID.randomUUID().toString().substring(0, 8);
        forge.createRepository(repo);
        Path seed = temp("seed");
        try (Git git =
                Git.init().setDirectory(seed.toFile()).setInitialBranch("main").call()) {
            Files.writeString(seed.resolve("A.java"), "class A {}\n");
            git.add().addFilepattern(".").call();
            forge.pushBranch(
                    repo,
                    "main",
                    seed.resolve(".git"),
                    git.commit()
                            .setMessage("a")
                            .setAuthor("t", "t@e")
                            .setCommitter("t", "t@e")
                            .setSign(false)
                            .call()
                            .getName());
        }
        Task task = tx.execute(s ->
                control.create(new NewTask(repo, null, "Broken", "", TaskMode.LINEAR, 3, "alice"), false, Map.of()));
        String key = "tasks/" + task.id() + "/dev/1/patch.diff";
        artifacts.put(
                key,
                "--- a/Missing.java\n+++ b/Missing.java\n@@ -1 +1 @@\n-x\n+y\n".getBytes(StandardCharsets.UTF_8),
                "text/x-diff");
        deliverTwice(task, "dev", MessageTypes.DEV_IMPLEMENT, Map.of("patch", key));
        deliverTwice(task, "qa", MessageTypes.QA_VERIFY, Map.of("verdict", "PASSED"));
        deliverTwice(task, "review", MessageTypes.REVIEW_DIFF, Map.of("decision", "APPROVE"));

        step.runOnce();

        assertThat(state(task)).isEqualTo(TaskState.FAILED);
        assertThat(jdbc.sql("SELECT detail->>'reason' FROM audit_trail WHERE task_id = :t AND action = 'forge.failed'")
                        .param("t", task.id())
                        .query(String.class)
                        .single())
                .contains("does not apply");
        assertThat(forge.pullRequests(repo)).isEmpty();
    }

    private void deliverTwice(Task task, String role, String inputType, Map<String, String> output) {
        TaskResults.deliverTwice(context, tasks, task, role, inputType, output);
    }

    private TaskState state(Task task) {
        return tasks.find(task.id()).orElseThrow().state();
    }

    private static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
