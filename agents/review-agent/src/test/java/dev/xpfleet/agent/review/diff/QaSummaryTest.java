package dev.xpfleet.agent.review.diff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What the reviewer's model is told of the QA report. */
class QaSummaryTest {

    @Test
    void testsOfTheBaseThatQaLetThroughUnderAnotherNameOrAllowedAreNamed() {
        var qa = JsonMapper.builder().build().readTree("""
                {"verdict": "PASSED",
                 "tdd": {"failToPass": ["demo.CalcTest#multiplies"],
                         "removed": [
                           {"id": "demo.CalcTest$Adding#adds", "kind": "RENAMED",
                            "successor": "demo.CalcTest$Sums#adds", "file": "x", "line": 3,
                            "cause": "same body", "allowed": false},
                           {"id": "demo.legacy.OldTest#works", "kind": "REMOVED", "successor": null,
                            "file": "y", "line": 5, "cause": "its file is deleted", "allowed": true}]},
                 "findings": []}
                """);

        assertThat(Reviewer.qaSummary(qa))
                .contains("tests that fail before the change and pass after it: demo.CalcTest#multiplies")
                .contains("tests of the base renamed, moved or removed: demo.CalcTest$Adding#adds runs as"
                        + " demo.CalcTest$Sums#adds; demo.legacy.OldTest#works removed (allowed by the base's"
                        + " .fleet.yml)");
    }

    @Test
    void aReportWithoutTheListSaysNothingOfIt() {
        var qa = JsonMapper.builder().build().readTree("{\"verdict\": \"PASSED\", \"tdd\": {\"failToPass\": []}}");

        assertThat(Reviewer.qaSummary(qa)).doesNotContain("renamed, moved or removed");
    }
}
