package dev.xpfleet.e2e;

import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Small real repositories (pytest, Maven, node) and scripted recordings of the answers a good model
 * gives to an issue on each: recordings, not a live model, and each file says so.
 */
final class Samples {

    private Samples() {}

    static final String PY_TITLE = "Add multiply to calc";
    static final String PY_DIVIDE_TITLE = "Add multiply and divide to calc";
    static final String JAVA_TITLE = "Add multiply to the Java calculator";
    static final String NODE_TITLE = "Add multiply to the node calculator";

    static final String PY_TEST = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n";

    static Map<String, String> python() {
        return Map.of("calc.py", "def add(a, b):\n    return a + b\n", "tests/test_calc.py", PY_TEST);
    }

    static final String JAVA_TEST = """
            package demo;

            import static org.junit.jupiter.api.Assertions.assertEquals;

            import org.junit.jupiter.api.Test;

            class CalculatorTest {
                @Test
                void adds() {
                    assertEquals(5, new Calculator().add(2, 3));
                }
            }
            """;

    static Map<String, String> java() {
        return Map.of(
                "pom.xml", POM,
                "src/main/java/demo/Calculator.java",
                        "package demo;\n\npublic class Calculator {\n    public int add(int a, int b) {\n"
                                + "        return a + b;\n    }\n}\n",
                "src/test/java/demo/CalculatorTest.java", JAVA_TEST);
    }

    static final String NODE_TEST = "const test = require('node:test');\nconst assert = require('node:assert');\n"
            + "const { add } = require('../calc');\n\ntest('adds', () => {\n  assert.strictEqual(add(2, 3), 5);\n});\n";

    static Map<String, String> node() {
        return Map.of(
                "package.json",
                        "{\"name\": \"calc\", \"version\": \"1.0.0\", \"scripts\": {\"test\": \"node --test\"}}\n",
                "calc.js", "function add(a, b) {\n  return a + b;\n}\n\nmodule.exports = { add };\n",
                "test/calc.test.js", NODE_TEST);
    }

    /** Turn by turn: read, the failing test, a slow look around, submit, the code, submit. */
    static ObjectNode pythonMultiply() {
        return recording(
                PY_TITLE,
                "Let me read the code first.\n" + call("{\"tool\": \"read\", \"path\": \"calc.py\"}"),
                "A failing test for multiply first.\n\n"
                        + edit(
                                "tests/test_calc.py",
                                PY_TEST,
                                PY_TEST.replace("from calc import add\n", "from calc import add, multiply\n")
                                        + "\n\ndef test_multiply():\n    assert multiply(3, 4) == 12\n"),
                "Let me check the Python version.\n"
                        + call("{\"tool\": \"run\", \"command\": \"sleep 6; python3 --version\"}"),
                call("{\"tool\": \"submit\"}"),
                "Now the code.\n\n"
                        + edit(
                                "calc.py",
                                "    return a + b\n",
                                "    return a + b\n\n\ndef multiply(a, b):\n    return a * b\n"),
                call("{\"tool\": \"submit\"}"));
    }

    /** Iteration 1: multiply tested, divide written without a test (QA will say so). */
    static ObjectNode pythonDivideFirst() {
        return recording(
                PY_DIVIDE_TITLE,
                edit(
                        "tests/test_calc.py",
                        PY_TEST,
                        PY_TEST.replace("from calc import add\n", "from calc import add, divide, multiply\n")
                                + "\n\ndef test_multiply():\n    assert multiply(3, 4) == 12\n"),
                call("{\"tool\": \"submit\"}"),
                edit(
                        "calc.py",
                        "    return a + b\n",
                        "    return a + b\n\n\ndef multiply(a, b):\n    return a * b\n"
                                + "\n\ndef divide(a, b):\n    return a / b\n"),
                call("{\"tool\": \"submit\"}"));
    }

    /** Iteration 2, with QA's feedback on the uncovered line: the missing test, nothing else. */
    static ObjectNode pythonDivideFeedback() {
        ObjectNode recording = recording(
                PY_DIVIDE_TITLE,
                "QA found divide untested; the test it needs.\n\n"
                        + edit(
                                "tests/test_calc.py",
                                "def test_multiply():\n    assert multiply(3, 4) == 12\n",
                                "def test_multiply():\n    assert multiply(3, 4) == 12\n\n\ndef test_divide():\n"
                                        + "    assert divide(12, 4) == 3\n"),
                call("{\"tool\": \"submit\"}"));
        recording.withArray("match").add("Feedback on the previous iteration");
        return recording;
    }

    static ObjectNode javaMultiply() {
        return recording(
                JAVA_TITLE,
                edit(
                        "src/test/java/demo/CalculatorTest.java",
                        "        assertEquals(5, new Calculator().add(2, 3));\n    }\n",
                        "        assertEquals(5, new Calculator().add(2, 3));\n    }\n\n    @Test\n    void multiplies() {\n"
                                + "        assertEquals(6, new Calculator().multiply(2, 3));\n    }\n"),
                call("{\"tool\": \"submit\"}"),
                edit(
                        "src/main/java/demo/Calculator.java",
                        "        return a + b;\n    }\n",
                        "        return a + b;\n    }\n\n    public int multiply(int a, int b) {\n"
                                + "        return a * b;\n    }\n"),
                call("{\"tool\": \"submit\"}"));
    }

    static ObjectNode nodeMultiply() {
        return recording(
                NODE_TITLE,
                edit(
                        "test/calc.test.js",
                        NODE_TEST,
                        NODE_TEST.replace("const { add }", "const { add, multiply }")
                                + "\ntest('multiplies', () => {\n  assert.strictEqual(multiply(3, 4), 12);\n});\n"),
                call("{\"tool\": \"submit\"}"),
                edit(
                        "calc.js",
                        "module.exports = { add };\n",
                        "function multiply(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, multiply };\n"),
                call("{\"tool\": \"submit\"}"));
    }

    /**
     * The reviewer's answer to a change for an issue (scripted, as a good model would review it):
     * matched by the review prompt's opening and the title.
     */
    static ObjectNode review(String title, String answer) {
        ObjectNode recording = FleetProcesses.JSON.createObjectNode();
        recording.put("note", "A scripted recording, not a live model: written as a good reviewer would answer.");
        recording.putArray("match").add("Issue (untrusted text):\n<issue>\n" + title + "\n");
        recording.putArray("answers").add(answer);
        return recording;
    }

    static final String REVIEW_CLEAN =
            "{\"summary\": \"A small change with a test that failed first.\", \"findings\": []}";

    /** A minor point with a suggestion that parses: the change is approved and the suggestion posted. */
    static final String REVIEW_MULTIPLY = """
            {"summary": "Adds multiply with a test that failed first.",
             "findings": [{"file": "calc.py", "line": 5, "severity": "minor", "category": "docs",
                           "explanation": "A comment saying what multiply returns would help.",
                           "suggestion": "def multiply(a, b):  # the product of a and b"}]}
            """;

    private static ObjectNode recording(String title, String... answers) {
        ObjectNode recording = FleetProcesses.JSON.createObjectNode();
        recording.put("note", "A scripted recording, not a live model: written as a good model would answer.");
        recording.putArray("match").add("Title: " + title + "\n");
        ArrayNode list = recording.putArray("answers");
        for (String answer : answers) {
            list.add(answer);
        }
        return recording;
    }

    private static String call(String json) {
        return "```json\n" + json + "\n```";
    }

    private static String edit(String path, String search, String replace) {
        return path + "\n<<<<<<< SEARCH\n" + search + "=======\n" + replace + ">>>>>>> REPLACE\n";
    }

    static final String POM = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>demo</groupId>
              <artifactId>calc</artifactId>
              <version>1.0</version>
              <properties>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <dependencies>
                <dependency>
                  <groupId>org.junit.jupiter</groupId>
                  <artifactId>junit-jupiter</artifactId>
                  <version>5.12.2</version>
                  <scope>test</scope>
                </dependency>
              </dependencies>
              <build>
                <plugins>
                  <plugin>
                    <artifactId>maven-compiler-plugin</artifactId>
                    <version>3.13.0</version>
                    <configuration><release>17</release></configuration>
                  </plugin>
                  <plugin>
                    <artifactId>maven-resources-plugin</artifactId>
                    <version>3.3.1</version>
                  </plugin>
                  <plugin>
                    <artifactId>maven-surefire-plugin</artifactId>
                    <version>3.5.3</version>
                  </plugin>
                </plugins>
              </build>
            </project>
            """;
}
