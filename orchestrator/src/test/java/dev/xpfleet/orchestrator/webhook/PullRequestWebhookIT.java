package dev.xpfleet.orchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskBranches;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import dev.xpfleet.orchestrator.task.TaskStates;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.node.ObjectNode;

/** Pull request events close the loop for pull requests the fleet opened, and only for those. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices(database = true)
class PullRequestWebhookIT {

    private static final String REPO = "Codertocat/Hello-World"; // the fixtures' repository

    @LocalServerPort
    int port;

    @Autowired
    TaskRepository tasks;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aMergedFleetPullRequestMergesTheTask() throws Exception {
        Task task = taskWithOpenPullRequest();

        HttpResponse<String> response = send("pull_request", closed(TaskBranches.of(task), true));

        assertThat(response.body()).contains("TASK_MERGED");
        assertThat(state(task)).isEqualTo(TaskState.MERGED);
    }

    @Test
    void aFleetPullRequestClosedWithoutMergingCancelsTheTask() throws Exception {
        Task task = taskWithOpenPullRequest();

        send("pull_request", closed(TaskBranches.of(task), false));

        assertThat(state(task)).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void pullRequestsTheFleetDidNotOpenAreIgnored() throws Exception {
        Task task = taskWithOpenPullRequest();
        ObjectNode fromFork = closed(TaskBranches.of(task), true);
        ((ObjectNode) fromFork.path("pull_request").path("head").path("repo")).put("full_name", "mallory/Hello-World");

        assertThat(send("pull_request", closed("feature/other", true)).body()).contains("IGNORED");
        assertThat(send("pull_request", closed("agent/" + UUID.randomUUID(), true))
                        .body())
                .contains("IGNORED");
        assertThat(send("pull_request", fromFork).body()).contains("IGNORED");
        assertThat(state(task)).isEqualTo(TaskState.PR_OPEN);
    }

    @Test
    void changesRequestedByATrustedReviewerStartTheNextIterationWithTheirWords() throws Exception {
        Task task = taskWithOpenPullRequest();

        HttpResponse<String> response =
                send("pull_request_review", review(TaskBranches.of(task), "changes_requested", "OWNER"));

        assertThat(response.body()).contains("TASK_ITERATING");
        Task after = tasks.find(task.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(TaskState.DEVELOPING);
        assertThat(after.iteration()).isEqualTo(task.iteration() + 1);
        List<String> messages = jdbc.sql(
                        "SELECT envelope FROM outbox_events WHERE task_id = :task AND type = 'dev.implement' ORDER BY id")
                .param("task", task.id())
                .query(String.class)
                .list();
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0)).contains("pull_request_review").contains("Please rename the method");
    }

    @Test
    void reviewsThatAreNotChangeRequestsOrComeFromOutsidersChangeNothing() throws Exception {
        Task task = taskWithOpenPullRequest();

        assertThat(send("pull_request_review", review(TaskBranches.of(task), "commented", "OWNER"))
                        .body())
                .contains("IGNORED");
        assertThat(send("pull_request_review", review(TaskBranches.of(task), "changes_requested", "NONE"))
                        .body())
                .contains("REFUSED_UNTRUSTED");
        assertThat(state(task)).isEqualTo(TaskState.PR_OPEN);
        assertThat(jdbc.sql("SELECT detail->>'why' FROM audit_trail WHERE task_id = :t AND action = 'command.refused'")
                        .param("t", task.id())
                        .query(String.class)
                        .list())
                .as("the refusal is audited on the task")
                .containsExactly("changes requested by an untrusted reviewer");
    }

    private Task taskWithOpenPullRequest() {
        Task task = TaskStates.created(
                tasks,
                new NewTask(
                        REPO,
                        ThreadLocalRandom.current().nextInt(1, 1_000_000_000),
                        "t",
                        "b",
                        TaskMode.LINEAR,
                        3,
                        "test"));
        return TaskStates.walk(
                tasks,
                task,
                TaskState.QUEUED,
                TaskState.DEVELOPING,
                TaskState.TESTING,
                TaskState.REVIEWING,
                TaskState.APPROVED,
                TaskState.PR_OPEN);
    }

    private TaskState state(Task task) {
        return tasks.find(task.id()).orElseThrow().state();
    }

    private static ObjectNode closed(String branch, boolean merged) throws Exception {
        ObjectNode payload = WebhookClient.fixture("pull_request.closed");
        ObjectNode pr = (ObjectNode) payload.path("pull_request");
        pr.put("merged", merged);
        ((ObjectNode) pr.path("head")).put("ref", branch);
        return payload;
    }

    private static ObjectNode review(String branch, String state, String association) throws Exception {
        ObjectNode payload = WebhookClient.fixture("pull_request_review.submitted");
        ((ObjectNode) payload.path("pull_request").path("head")).put("ref", branch);
        ((ObjectNode) payload.path("review"))
                .put("state", state)
                .put("author_association", association)
                .put("body", "Please rename the method");
        return payload;
    }

    private HttpResponse<String> send(String event, ObjectNode payload) throws Exception {
        return new WebhookClient(port).send(event, UUID.randomUUID().toString(), payload);
    }
}
