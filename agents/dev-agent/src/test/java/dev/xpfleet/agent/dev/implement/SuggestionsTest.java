package dev.xpfleet.agent.dev.implement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.agent.dev.tools.PathRules;
import dev.xpfleet.common.stream.EnvelopeCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

class SuggestionsTest {

    @TempDir
    Path dir;

    private static JsonNode review(String findings) {
        return EnvelopeCodec.mapper()
                .readTree(("{'decision': 'REQUEST_CHANGES', 'findings': [" + findings + "]}").replace('\'', '"'));
    }

    private static String finding(String file, int line, String code, String suggestion, String status) {
        return "{'file': '" + file + "', 'line': " + line + ", 'code': '" + code + "', 'suggestion': '" + suggestion
                + "', 'status': '" + status + "'}";
    }

    @Test
    void eachSuggestionIsAppliedOrRefusedWithItsReasonNeverDropped() throws Exception {
        Files.writeString(dir.resolve("calc.py"), "def add(a, b):\n    return a + b\n");
        Files.createDirectories(dir.resolve(".github/workflows"));
        Files.writeString(dir.resolve(".github/workflows/ci.yml"), "on: push\n");

        ArrayNode outcomes = Suggestions.apply(
                review(String.join(
                        ", ",
                        finding("calc.py", 2, "return a + b", "    return b + a  # commutative", "NEW"),
                        finding("calc.py", 1, "def sub(a, b):", "def sub(a, b) -> int:", "UNRESOLVED"),
                        finding("calc.py", 9, "x", "y", "NEW"),
                        finding(".github/workflows/ci.yml", 1, "on: push", "on: pull_request", "NEW"),
                        finding("../outside.py", 1, "x", "y", "NEW"),
                        finding("missing.py", 1, "x", "y", "NEW"),
                        finding("calc.py", 1, "def add(a, b):", "def plus(a, b):", "RESOLVED"),
                        finding("tests/test_calc.py", 1, "x", "y", "NEW"),
                        finding("calc.py", 1, "def add(a, b):", "def add(a, b):\\n    pass", "NEW"),
                        finding("calc.py", 1, "", "def plus(a, b):", "NEW"))),
                new PathRules(dir, List.of()));

        assertThat(Files.readString(dir.resolve("calc.py")))
                .isEqualTo("def add(a, b):\n    return b + a  # commutative\n");
        assertThat(Files.readString(dir.resolve(".github/workflows/ci.yml"))).isEqualTo("on: push\n");
        assertThat(outcomes)
                .as("the resolved finding's suggestion is not asked for")
                .hasSize(9);
        assertThat(outcomes.get(0).path("applied").asBoolean()).isTrue();
        assertThat(outcomes.get(1).path("reason").asString()).contains("no longer reads what the navigator saw");
        assertThat(outcomes.get(2).path("reason").asString()).isEqualTo("line 9 is not in the file");
        assertThat(outcomes.get(3).path("reason").asString()).contains("workflow");
        assertThat(outcomes.get(4).path("applied").asBoolean()).isFalse();
        assertThat(outcomes.get(5).path("reason").asString()).contains("does not exist");
        assertThat(outcomes.get(6).path("reason").asString()).contains("changes a test");
        assertThat(outcomes.get(7).path("reason").asString()).isEqualTo("the replacement is more than one line");
        assertThat(outcomes.get(8).path("reason").asString()).isEqualTo("the finding does not say what the line read");
        assertThat(outcomes.get(6).path("reason").asString()).contains("changes a test");
        assertThat(outcomes.get(7).path("reason").asString()).isEqualTo("the replacement is more than one line");
        assertThat(outcomes.get(8).path("reason").asString()).isEqualTo("the finding does not say what the line read");
        assertThat(Suggestions.describe(outcomes))
                .contains("calc.py:2: applied as suggested")
                .contains("calc.py:9: not applied, line 9 is not in the file");
    }

    @Test
    void noSuggestionsSayNothing() {
        assertThat(Suggestions.describe(Suggestions.apply(review(""), new PathRules(dir, List.of()))))
                .isEmpty();
    }
}
