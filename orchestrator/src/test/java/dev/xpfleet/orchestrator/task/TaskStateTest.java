package dev.xpfleet.orchestrator.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class TaskStateTest {

    @Test
    void theHappyPathIsAllowed() {
        TaskState[] path = {
            TaskState.RECEIVED,
            TaskState.QUEUED,
            TaskState.DEVELOPING,
            TaskState.TESTING,
            TaskState.REVIEWING,
            TaskState.CHANGES_REQUESTED,
            TaskState.DEVELOPING,
            TaskState.TESTING,
            TaskState.REVIEWING,
            TaskState.APPROVED,
            TaskState.PR_OPEN,
            TaskState.MERGED
        };
        for (int i = 1; i < path.length; i++) {
            assertThat(path[i - 1].canMoveTo(path[i]))
                    .as(path[i - 1] + " -> " + path[i])
                    .isTrue();
        }
    }

    @Test
    void mergedAndCancelledAreFinalAndFailedOnlyRetries() {
        assertThat(TaskState.MERGED.next()).isEmpty();
        assertThat(TaskState.CANCELLED.next()).isEmpty();
        assertThat(TaskState.FAILED.next()).containsExactly(TaskState.QUEUED);
        assertThat(EnumSet.allOf(TaskState.class).stream().filter(TaskState::isTerminal))
                .containsExactlyInAnyOrder(TaskState.MERGED, TaskState.FAILED, TaskState.CANCELLED);
    }

    @Test
    void shortcutsAreRefused() {
        assertThat(TaskState.RECEIVED.canMoveTo(TaskState.MERGED)).isFalse();
        assertThat(TaskState.DEVELOPING.canMoveTo(TaskState.APPROVED)).isFalse();
        assertThat(TaskState.TESTING.canMoveTo(TaskState.PR_OPEN)).isFalse();
        assertThat(TaskState.QUEUED.canMoveTo(TaskState.QUEUED)).isFalse();
    }

    @Test
    void everyActiveStateCanBeCancelled() {
        for (TaskState state : TaskState.values()) {
            if (!state.isTerminal()) {
                assertThat(state.canMoveTo(TaskState.CANCELLED))
                        .as(state.name())
                        .isTrue();
            }
        }
    }
}
