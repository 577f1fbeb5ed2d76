package dev.xpfleet.agent.review.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.change.ChangeSet;
import org.junit.jupiter.api.Test;

class AnswerCheckTest {

    static final String DIFF = """
            diff --git a/calc.py b/calc.py
            --- a/calc.py
            +++ b/calc.py
            @@ -1,2 +1,6 @@
             def add(a, b):
                 return a + b
            +
            +
            +def sub(a, b):
            +    return a - b
            """;

    @Test
    void hunksAreTheLinesTheDiffShowsOfTheChangedFile() {
        assertThat(ChangeSet.parse(DIFF).hunks("calc.py")).containsExactly(new ChangeSet.LineRange(1, 6));
        assertThat(ChangeSet.parse(DIFF).hunks("other.py")).isEmpty();
    }

    @Test
    void aFencedObjectIsReadAndItsFindingsKept() {
        AnswerCheck.Checked checked = AnswerCheck.check(
                "```json\n{\"summary\": \"s\", \"findings\": [{\"file\": \"calc.py\", \"line\": 6,"
                        + " \"severity\": \"major\", \"category\": \"tests\", \"explanation\": \"e\"}]}\n```",
                ChangeSet.parse(DIFF));
        assertThat(checked.errors()).isEmpty();
        assertThat(checked.findings())
                .singleElement()
                .extracting(AnswerCheck.RawFinding::line)
                .isEqualTo(6);
    }

    @Test
    void schemaErrorsAndLinesOutsideTheDiffAreNamed() {
        assertThat(AnswerCheck.check("{\"summary\": \"s\"}", ChangeSet.parse(DIFF))
                        .errors())
                .singleElement()
                .asString()
                .contains("findings");
        assertThat(AnswerCheck.check(
                                "{\"summary\": \"s\", \"findings\": [{\"file\": \"calc.py\", \"line\": 40,"
                                        + " \"severity\": \"major\", \"category\": \"tests\", \"explanation\": \"e\"}]}",
                                ChangeSet.parse(DIFF))
                        .errors())
                .containsExactly(
                        "/findings/0/line: line 40 of calc.py is not in the diff; use a line number shown in its hunks");
        assertThat(AnswerCheck.check(
                                "{\"summary\": \"s\", \"findings\": [], \"verdict\": \"APPROVE\"}",
                                ChangeSet.parse(DIFF))
                        .errors())
                .isNotEmpty();
    }
}
