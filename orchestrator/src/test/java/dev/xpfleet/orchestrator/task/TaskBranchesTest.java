package dev.xpfleet.orchestrator.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskBranchesTest {

    private static final UUID ID = UUID.fromString("0192f6a4-1c2d-7e3f-8a4b-5c6d7e8f9a0b");

    @Test
    void fleetBranchesNameTheirTask() {
        assertThat(TaskBranches.taskOf("agent/" + ID)).contains(ID);
        assertThat(TaskBranches.taskOf("pair/" + ID + "/iter3")).contains(ID);
    }

    @Test
    void otherBranchesBelongToNoTask() {
        assertThat(TaskBranches.taskOf(null)).isEmpty();
        assertThat(TaskBranches.taskOf("main")).isEmpty();
        assertThat(TaskBranches.taskOf("agent/" + ID + "/x")).isEmpty();
        assertThat(TaskBranches.taskOf("agent/not-a-uuid")).isEmpty();
        assertThat(TaskBranches.taskOf("pair/" + ID + "/iter0")).isEmpty();
        assertThat(TaskBranches.taskOf("refs/heads/agent/" + ID)).isEmpty();
    }
}
