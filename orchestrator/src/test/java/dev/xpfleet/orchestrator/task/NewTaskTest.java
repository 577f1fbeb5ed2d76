package dev.xpfleet.orchestrator.task;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NewTaskTest {

    @Test
    void acceptsGitHubRepositoryNames() {
        for (String repo : new String[] {"octo/repo", "Codertocat/Hello-World", "a-b/c.d_e", "o/.github"}) {
            assertThatCode(() -> task(repo)).as(repo).doesNotThrowAnyException();
        }
    }

    @Test
    void refusesPathsAndOtherShapes() {
        for (String repo : new String[] {"../etc", "octo/..", "octo/.", "/abs", "octo", "a/b/c", "oc to/r", ""}) {
            assertThatThrownBy(() -> task(repo)).as(repo).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static NewTask task(String repository) {
        return new NewTask(repository, 1, "t", "b", TaskMode.LINEAR, 3, "me");
    }
}
