package dev.xpfleet.agent.dev.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActionParserTest {

    @Test
    void editBlocksKeepTheirTextExactlyAndTheirPaths() {
        Action action = ActionParser.parse("Here is the change.\n\nsrc/a.py\n<<<<<<< SEARCH\n    x = 1\n=======\n"
                + "    x = 2\n>>>>>>> REPLACE\n\n`tests/test_a.py`\n<<<<<<< SEARCH\n=======\nnew\n>>>>>>> REPLACE\n");

        assertThat(action)
                .isInstanceOfSatisfying(
                        Action.Edits.class,
                        edits -> assertThat(edits.edits())
                                .containsExactly(
                                        new Action.Edit("src/a.py", "    x = 1\n", "    x = 2\n"),
                                        new Action.Edit("tests/test_a.py", "", "new\n")));
    }

    @Test
    void aJsonFenceInsideAnEditIsPartOfTheEdit() {
        Action action = ActionParser.parse(
                "README.md\n<<<<<<< SEARCH\n=======\nUse:\n```json\n{\"tool\": \"x\"}\n```\n>>>>>>> REPLACE\n");

        assertThat(action)
                .isInstanceOfSatisfying(
                        Action.Edits.class,
                        edits -> assertThat(edits.edits())
                                .singleElement()
                                .satisfies(e -> assertThat(e.replace()).contains("```json")));
    }

    @Test
    void oneJsonToolCallInAFence() {
        Action action = ActionParser.parse("Let me look.\n```json\n{\"tool\": \"read\", \"path\": \"a.py\"}\n```\n");

        assertThat(action).isInstanceOfSatisfying(Action.Call.class, call -> {
            assertThat(call.tool()).isEqualTo("read");
            assertThat(call.arguments().path("path").asString()).isEqualTo("a.py");
        });
    }

    @Test
    void everythingElseIsMalformedWithTheReason() {
        assertThat(reason("")).contains("empty");
        assertThat(reason("I think we should add a test.")).contains("no action found");
        assertThat(reason("```json\n{\"path\": \"a\"}\n```")).contains("\"tool\"");
        assertThat(reason("```json\n{\"tool\": \"read\"\n```")).contains("not valid JSON");
        assertThat(reason("```json\n{\"tool\": \"a\"}\n```\n```json\n{\"tool\": \"b\"}\n```"))
                .contains("several");
        assertThat(reason("a.py\n<<<<<<< SEARCH\nx\n=======\ny\n")).contains("not closed");
        assertThat(reason("<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n")).contains("no file path");
        assertThat(reason("a.py\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n```json\n{\"tool\": \"submit\"}\n```"))
                .contains("not both");
        assertThat(reason("a.py\n<<<<<<< SEARCH\nx\n<<<<<<< SEARCH\n=======\ny\n>>>>>>> REPLACE\n"))
                .contains("another SEARCH");
        assertThat(reason("a.py <<<<<<< SEARCH x ======= y >>>>>>> REPLACE")).contains("lines of their own");
    }

    private static String reason(String answer) {
        return ((Action.Malformed) ActionParser.parse(answer)).reason();
    }
}
