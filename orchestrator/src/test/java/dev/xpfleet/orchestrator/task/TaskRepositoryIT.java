package dev.xpfleet.orchestrator.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.testing.FleetServices;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** Task changes against real PostgreSQL: the table, the version, one active task per issue. */
@SpringBootTest
@FleetServices(database = true)
class TaskRepositoryIT {

    @Autowired
    TaskRepository tasks;

    @Test
    void aNewTaskIsReceivedAndMovesAlongTheTableCountingIterations() {
        Task task = tasks.create(issueTask(nextIssue()));
        assertThat(task.state()).isEqualTo(TaskState.RECEIVED);
        assertThat(task.version()).isZero();
        assertThat(task.stageEnteredAt()).containsKey("RECEIVED");

        Task queued = tasks.transition(task, TaskState.QUEUED);
        Task developing = tasks.transition(queued, TaskState.DEVELOPING);
        Task testing = tasks.transition(developing, TaskState.TESTING);
        Task again = tasks.transition(testing, TaskState.DEVELOPING);

        assertThat(again.version()).isEqualTo(4);
        assertThat(again.iteration()).isEqualTo(2);
        assertThat(again.stageEnteredAt()).containsKeys("RECEIVED", "QUEUED", "DEVELOPING", "TESTING");
        assertThat(tasks.find(task.id())).hasValueSatisfying(t -> assertThat(t).isEqualTo(again));
    }

    @Test
    void aStartedTaskIsWhatCreateAndTwoTransitionsMakeInOneStatement() {
        int issue = nextIssue();
        Task walked = tasks.transition(
                tasks.transition(tasks.create(issueTask(issue)), TaskState.QUEUED), TaskState.DEVELOPING);
        tasks.transition(walked, TaskState.CANCELLED);

        Task started = tasks.createStarted(issueTask(issue), false, TaskState.DEVELOPING)
                .orElseThrow();

        assertThat(started.state()).isEqualTo(walked.state());
        assertThat(started.version()).isEqualTo(walked.version()).isEqualTo(2);
        assertThat(started.iteration()).isEqualTo(walked.iteration()).isEqualTo(1);
        assertThat(started.stageEnteredAt())
                .containsOnlyKeys(walked.stageEnteredAt().keySet());
        assertThat(started.stageEnteredAt().keySet()).containsExactlyInAnyOrder("RECEIVED", "QUEUED", "DEVELOPING");
        assertThat(tasks.find(started.id())).hasValue(started);
        assertThat(tasks.repositoryMaxIters(started, 7).maxIters())
                .as("not kept: a repository's max-iters applies")
                .isEqualTo(7);
    }

    @Test
    void aStartedTaskIsNothingWhileTheIssueHasAnActiveTask() {
        int issue = nextIssue();
        Task active =
                tasks.createStarted(issueTask(issue), true, TaskState.PAIRING).orElseThrow();
        assertThat(active.iteration()).isEqualTo(1);
        assertThat(tasks.repositoryMaxIters(active, 7))
                .as("kept: its creator's max_iters stays")
                .isEqualTo(active);

        assertThat(tasks.createStarted(issueTask(issue), false, TaskState.DEVELOPING))
                .isEmpty();
        assertThat(tasks.findActive("octo/repo", issue)).hasValue(active);

        tasks.transition(active, TaskState.FAILED);
        assertThat(tasks.createStarted(issueTask(issue), false, TaskState.DEVELOPING))
                .isPresent();
        assertThatThrownBy(() -> tasks.createStarted(issueTask(nextIssue()), false, TaskState.TESTING))
                .isInstanceOf(TaskChangeException.IllegalTransition.class)
                .hasMessageContaining("from QUEUED to TESTING");
    }

    @Test
    void anIllegalTransitionNamesBothStatesAndChangesNothing() {
        Task task = tasks.create(issueTask(nextIssue()));

        assertThatThrownBy(() -> tasks.transition(task, TaskState.MERGED))
                .isInstanceOf(TaskChangeException.IllegalTransition.class)
                .hasMessageContaining("from RECEIVED to MERGED");
        assertThat(tasks.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.RECEIVED);
    }

    @Test
    void aChangeFromAStaleVersionIsRefusedNotOverwritten() {
        Task read = tasks.create(issueTask(nextIssue()));
        Task cancelled = tasks.transition(read, TaskState.CANCELLED);

        assertThatThrownBy(() -> tasks.transition(read, TaskState.QUEUED))
                .isInstanceOf(TaskChangeException.StaleVersion.class)
                .hasMessageContaining("changed since version 0");
        assertThat(tasks.find(read.id()).orElseThrow()).isEqualTo(cancelled);
    }

    @Test
    void anIssueHasAtMostOneActiveTask() {
        int issue = nextIssue();
        Task first = tasks.create(issueTask(issue));

        assertThatThrownBy(() -> tasks.create(issueTask(issue)))
                .isInstanceOf(TaskChangeException.ActiveTaskExists.class)
                .hasMessageContaining("octo/repo#" + issue);

        Task failed = tasks.transition(first, TaskState.FAILED);
        Task second = tasks.create(issueTask(issue));
        assertThat(tasks.findActive("octo/repo", issue)).hasValue(second);
        assertThatThrownBy(() -> tasks.transition(failed, TaskState.QUEUED))
                .as("retrying the old task while a new one is active")
                .isInstanceOf(TaskChangeException.ActiveTaskExists.class);
    }

    @Test
    void restTasksHaveNoIssueAndDoNotCollide() {
        NewTask rest = new NewTask("octo/repo", null, "Refactor Calc", "hotspot", TaskMode.LINEAR, 3, "refactor-agent");

        assertThat(tasks.create(rest).issueNumber()).isNull();
        assertThat(tasks.create(rest).issueNumber()).isNull();
    }

    private static NewTask issueTask(int issue) {
        return new NewTask("octo/repo", issue, "Add a calculator", "<!-- untrusted -->", TaskMode.LINEAR, 5, "octocat");
    }

    private static int nextIssue() {
        return ThreadLocalRandom.current().nextInt(1, 1_000_000);
    }
}
