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
import dev.xpfleet.orchestrator.task.TaskFlow;
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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A reviewer asks for changes on the fleet's open pull request: the next iteration's change goes
 * onto the same branch, and the same pull request shows it (no second one, nothing stale).
 */
@SpringBootTest(properties = {"fleet.forge.step-interval=PT1H", "fleet.outbox.poll-interval=1h"})
@FleetServices(database = true)
class ForgeIterationIT {

    static final Path ROOT = ForgeContract.temp("forge-iteration");

    @DynamicPropertySource
    static void forge(DynamicPropertyRegistry registry) {
        registry.add("fleet.forge.local-root", ROOT::toString);
        registry.add(
                "fleet.forge.workspaces",
                () -> ForgeContract.temp("forge-workspaces").toString());
    }

    @Autowired
    LocalForge forge;

    @Autowired
    PullRequestStep step;

    @Autowired
    TaskRepository tasks;

    @Autowired
    TaskFlow flow;

    @Autowired
    TaskControl control;

    @Autowired
    ApplicationContext context;

    @Autowired
    ArtifactStore artifacts;

    @Autowired
    TransactionTemplate tx;

    @Test
    void changesRequestedOnThePullRequestBringTheNextIterationIntoTheSamePullRequest() throws Exception {
        String repo = "acme/iter-" + UUID.randomUUID().toString().substring(0, 8);
        forge.createRepository(repo);
        Path seed = ForgeContract.temp("seed");
        try (Git git =
                Git.init().setDirectory(seed.toFile()).setInitialBranch("main").call()) {
            Files.writeString(seed.resolve("Price.java"), "class Price {\n  long cents() { return 100; }\n}\n");
            git.add().addFilepattern(".").call();
            forge.pushBranch(
                    repo,
                    "main",
                    seed.resolve(".git"),
                    git.commit()
                            .setMessage("first")
                            .setAuthor("t", "t@e")
                            .setCommitter("t", "t@e")
                            .setSign(false)
                            .call()
                            .getName());
        }
        Forge.Issue issue = forge.openIssue(repo, "Prices in euros", "", "alice", List.of("agent"));
        Task task = tx.execute(s -> control.create(
                new NewTask(repo, issue.number(), issue.title(), "", TaskMode.LINEAR, 3, "alice"), false, Map.of()));

        approve(task, "  String euros() { return \"1.00\"; }\n");
        step.runOnce();
        Forge.PullRequest first =
                forge.findPullRequest(repo, "agent/" + task.id()).orElseThrow();
        assertThat(state(task)).isEqualTo(TaskState.PR_OPEN);

        tx.executeWithoutResult(s -> flow.pullRequestChangesRequested(
                tasks.find(task.id()).orElseThrow(),
                EnvelopeCodec.mapper().createObjectNode().put("body", "Use a currency symbol"),
                "reviewer"));
        assertThat(tasks.find(task.id()).orElseThrow().iteration()).isEqualTo(2);
        approve(task, "  String euros() { return \"€1.00\"; }\n");
        step.runOnce();
        step.runOnce();

        Forge.PullRequest second =
                forge.findPullRequest(repo, "agent/" + task.id()).orElseThrow();
        assertThat(state(task)).isEqualTo(TaskState.PR_OPEN);
        assertThat(forge.pullRequests(repo)).singleElement();
        assertThat(second.number()).isEqualTo(first.number());
        assertThat(second.headCommit()).isNotEqualTo(first.headCommit());
        assertThat(second.diff()).contains("€1.00").doesNotContain("\"1.00\"");
        assertThat(forge.branchHead(repo, "agent/" + task.id())).contains(second.headCommit());
    }

    /** The current iteration's change, tested and reviewed: the task is APPROVED. */
    private void approve(Task task, String euros) throws Exception {
        Task current = tasks.find(task.id()).orElseThrow();
        String key = "tasks/" + task.id() + "/dev/" + current.iteration() + "/patch.diff";
        try (Workspace workspace = new Workspaces(ForgeContract.temp("dev"))
                .cloneAt(
                        forge.cloneUri(current.repository()),
                        forge.repository(current.repository()).headCommit(),
                        null)) {
            Files.writeString(
                    workspace.dir().resolve("Price.java"),
                    "class Price {\n  long cents() { return 100; }\n" + euros + "}\n");
            artifacts.put(key, workspace.diff().text().getBytes(StandardCharsets.UTF_8), "text/x-diff");
        }
        TaskResults.deliverTwice(context, tasks, task, "dev", MessageTypes.DEV_IMPLEMENT, Map.of("patch", key));
        TaskResults.deliverTwice(context, tasks, task, "qa", MessageTypes.QA_VERIFY, Map.of("verdict", "PASSED"));
        TaskResults.deliverTwice(
                context, tasks, task, "review", MessageTypes.REVIEW_DIFF, Map.of("decision", "APPROVE"));
        assertThat(state(task)).isEqualTo(TaskState.APPROVED);
    }

    private TaskState state(Task task) {
        return tasks.find(task.id()).orElseThrow().state();
    }
}
