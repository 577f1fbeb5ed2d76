package dev.xpfleet.agent.dev.implement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.stream.EnvelopeCodec;
import org.junit.jupiter.api.Test;

class FeedbackTest {

    @Test
    void aReviewsBlockingFindingsAreItsReasonsAndTheRestAreOptionalSuggestions() {
        String text = Feedback.render(EnvelopeCodec.mapper().readTree("""
                {"decision": "CHANGES_REQUESTED",
                 "reasons": ["calc.py:6 [major/correctness] sub must return the absolute difference."],
                 "blocking": ["f1"],
                 "findings": [
                   {"fingerprint": "f1", "file": "calc.py", "line": 6, "explanation": "sub must return the absolute difference."},
                   {"fingerprint": "f2", "file": "calc.py", "line": 5, "explanation": "A docstring would help."}]}
                """));
        assertThat(text)
                .isEqualTo("Review: CHANGES_REQUESTED\n"
                        + "- calc.py:6 [major/correctness] sub must return the absolute difference.\n"
                        + "Suggestions (optional, not blocking):\n"
                        + "- calc.py:5 A docstring would help.\n");
    }

    @Test
    void qaReasonsAreListedUnderItsVerdict() {
        String text = Feedback.render(EnvelopeCodec.mapper().readTree("""
                {"verdict": "FAILED", "reasons": ["calc.py:9 is not covered by any test"]}
                """));
        assertThat(text).isEqualTo("QA verdict: FAILED\n- calc.py:9 is not covered by any test\n");
    }
}
