package dev.xpfleet.orchestrator.forge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskState;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StatusTextTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aFailedIterationSaysWhyInTheAgentsWordsQuotedAndDefused() {
        JsonNode qa =
                JSON.readTree("{\"verdict\":\"FAILED\",\"reasons\":[\"CartTest.total failed @maintainers `rm -rf`\"]}");

        String text = StatusText.of(task(TaskState.DEVELOPING, 2), Map.of(), qa);

        assertThat(text)
                .startsWith("Iteration 1 did not pass: `CartTest.total failed @\u200bmaintainers 'rm -rf'`.")
                .endsWith("Working on iteration 2 of 5.");
    }

    @Test
    void blockedAndParkedTasksSayWhatAPersonCanDo() {
        JsonNode budget = JSON.readTree("{\"budget\":\"task\",\"limit\":1000,\"used\":990}");
        JsonNode why = JSON.readTree("{\"why\":\"qa still not satisfied after 5 iterations\"}");

        assertThat(StatusText.of(task(TaskState.BLOCKED_BUDGET, 1), Map.of("budget.exceeded", budget), null))
                .isEqualTo(
                        "Blocked: the task budget is spent (limit 1000 tokens, used 990). An operator can raise it and retry.");
        assertThat(StatusText.of(task(TaskState.NEEDS_HUMAN, 5), Map.of("task.needs_human", why), null))
                .contains("`qa still not satisfied after 5 iterations`")
                .contains("/agent retry");
        JsonNode pair = JSON.readTree("{\"why\":\"pair session stopped: max_iters (2) reached\\n"
                + "- iteration 1 (pair/x/iter1): developer DONE, QA FAILED\\n"
                + "- iteration 2 (pair/x/iter2): developer DONE, QA PASSED, review `@team` REQUEST_CHANGES\"}");
        assertThat(StatusText.of(task(TaskState.NEEDS_HUMAN, 2), Map.of("task.needs_human", pair), null))
                .as("a stopped pair session lists its iterations and branches, each quoted as data")
                .isEqualTo("Needs a person: `pair session stopped: max_iters (2) reached`. Comment `/agent retry` to"
                        + " go on.\n\nThe pair session's iterations:\n"
                        + "- `iteration 1 (pair/x/iter1): developer DONE, QA FAILED`\n"
                        + "- `iteration 2 (pair/x/iter2): developer DONE, QA PASSED, review '@\u200bteam'"
                        + " REQUEST_CHANGES`");
        assertThat(StatusText.of(
                        task(TaskState.PR_OPEN, 1),
                        Map.of("pull_request.opened", JSON.readTree("{\"number\":7}")),
                        null))
                .isEqualTo("Pull request #7 is open.");
        assertThat(StatusText.of(task(TaskState.DEVELOPING, 1), Map.of(), null)).startsWith("Picked up");
    }

    private static Task task(TaskState state, int iteration) {
        return new Task(
                UUID.randomUUID(),
                "acme/shop",
                4,
                "t",
                "b",
                state,
                TaskMode.LINEAR,
                iteration,
                5,
                1,
                "alice",
                Instant.now(),
                Instant.now(),
                Map.of());
    }

    @Test
    void theFooterGivesTheFactsAndASafeLinkToThePullRequest() {
        var opened = JSON.readTree("{\"number\": 7, \"url\": \"https://forge/acme/x/pull/7)[x](javascript:1\"}");
        var asked = JSON.readTree("{\"by\": \"@bob\", \"at\": \"2026-12-01T10:00:00Z\"}");

        String footer = StatusText.footer(
                task(TaskState.TESTING, 2), 1234, 200000, Map.of("pull_request.opened", opened), asked);

        assertThat(footer)
                .startsWith("State `TESTING` · iteration 2 of ")
                .contains(" · tokens 1234 of 200000")
                .contains("[pull request #7](https://forge/acme/x/pull/7%29[x]%28javascript:1)")
                .endsWith("Status asked by `@\u200bbob` at 2026-12-01T10:00:00Z.");
        assertThat(StatusText.footer(task(TaskState.QUEUED, 0), 0, 10, Map.of(), null))
                .doesNotContain("pull request", "Status asked");
        var local = JSON.readTree("{\"number\": 3, \"url\": \"acme/x#3\"}");
        assertThat(StatusText.footer(task(TaskState.PR_OPEN, 1), 0, 10, Map.of("pull_request.opened", local), null))
                .as("as the forge records it")
                .contains(" · pull request `acme/x#3`");
    }
}
