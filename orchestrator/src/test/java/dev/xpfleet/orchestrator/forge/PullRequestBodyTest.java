package dev.xpfleet.orchestrator.forge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskState;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PullRequestBodyTest {

    private static final Task TASK = new Task(
            UUID.fromString("0192f0a0-0000-7000-8000-000000000001"),
            "octo/calc",
            7,
            "Add sub",
            "body",
            TaskState.APPROVED,
            TaskMode.LINEAR,
            2,
            3,
            1,
            "octocat",
            Instant.EPOCH,
            Instant.EPOCH,
            Map.of());

    @Test
    void theBodyShowsTheChangeItsTestFirstEvidenceQaReviewAndCost() {
        String body = PullRequestBody.of(TASK, json("""
                        {"summary": "Added sub() with a test.", "filesChanged": ["calc.py", "tests/test_calc.py"],
                         "testsChanged": ["tests/test_calc.py"],
                         "red": {"failedTests": ["tests/test_calc.py::test_sub"]}, "green": {"passed": true}}
                        """), json("""
                        {"verdict": "PASSED", "failToPass": 1, "coverage": 91.5, "changedLinesCoverage": 100.0,
                         "findings": 0}
                        """), json("""
                        {"decision": "APPROVE", "summary": "Small and tested.",
                         "findings": [{"file": "calc.py", "line": 5, "explanation": "A docstring would help."}]}
                        """), 1234);
        assertThat(body)
                .startsWith("Closes #7\n")
                .contains("iteration 2 of at most 3")
                .contains("> Added sub() with a test.")
                .contains("Tests added or changed: `tests/test_calc.py`")
                .contains("Red, before the production change: failing `tests/test_calc.py::test_sub`")
                .contains("Green, after it: the suite passes")
                .contains("FAIL_TO_PASS): 1")
                .contains("Coverage: 91.5%")
                .contains("Changed lines covered: 100.0%")
                .contains("**APPROVE**")
                .contains("`calc.py:5` `A docstring would help.`")
                .contains("Model tokens (prompt and completion, all agents): 1234");
    }

    @Test
    void modelTextCannotForgeMarkersPingPeopleOrEmbedImages() {
        String body = PullRequestBody.of(TASK, json("""
                        {"summary": "Done <!-- xp-fleet:status --> @org/admins ![x](http://evil.example/p.png) closes #12"}
                        """), json("{}"), json("{}"), 0);
        assertThat(body)
                .doesNotContain("<!--")
                .doesNotContain("@org")
                .doesNotContain("](http")
                .doesNotContain("#12")
                .contains("&lt;!-- xp-fleet:status -->");
    }

    private static JsonNode json(String text) {
        return EnvelopeCodec.mapper().readTree(text);
    }
}
