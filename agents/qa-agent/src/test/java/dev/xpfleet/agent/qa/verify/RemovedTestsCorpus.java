package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.agent.qa.proof.TestRemovals.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes that delete, skip, rename, move or deselect an existing test, for each build the tests
 * here can run (Maven, pytest, node; no Gradle on these machines), each with the verdict QA must
 * give and what it must say. Each change also adds a real test-first feature, so a verdict is about
 * the test that went, nothing else.
 */
final class RemovedTestsCorpus {

    /**
     * @param reason a reason the verdict must give (a prefix, then what it must end with), or null
     *     for PASSED
     * @param kind what became of the base's test, or null when it still runs
     */
    record Case(
            String name,
            String cache,
            Map<String, String> base,
            Map<String, String> change,
            String verdict,
            String reasonStart,
            String reasonEnd,
            Kind kind,
            String successor) {

        @Override
        public String toString() {
            return name;
        }
    }

    static final String MAVEN_TEST = "src/test/java/demo/CalculatorTest.java";
    static final String PY_TEST = "tests/test_calc.py";
    static final String NODE_TEST = "test/calc.test.js";

    private RemovedTestsCorpus() {}

    static List<Case> cases() {
        return List.of(
                mavenSkip(),
                mavenRename(),
                mavenMove(),
                mavenExclude(),
                pytestDelete(),
                pytestRename(),
                pytestMove(),
                nodeDelete(),
                nodeRename(),
                nodeMove(),
                nodeScriptEdit());
    }

    private static Map<String, String> with(Map<String, String> change, String... pathsAndContents) {
        Map<String, String> out = new HashMap<>(change);
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            out.put(pathsAndContents[i], pathsAndContents[i + 1]);
        }
        return out;
    }

    private static String mavenTest() {
        return Projects.mavenGoodChange().get(MAVEN_TEST);
    }

    private static final String ADDS_BLOCK =
            "    @Test\n    void adds() {\n        assertEquals(5, new Calculator().add(2, 3));\n    }\n\n";

    static Case mavenSkip() {
        String skipped = mavenTest()
                .replace(
                        "import org.junit.jupiter.api.Test;\n",
                        "import org.junit.jupiter.api.Disabled;\nimport org.junit.jupiter.api.Test;\n")
                .replace("    @Test\n    void adds()", "    @Test\n    @Disabled(\"later\")\n    void adds()");
        return new Case(
                "maven: @Disabled on a passing test",
                "maven",
                Projects.maven(),
                with(Projects.mavenGoodChange(), MAVEN_TEST, skipped),
                "FAILED",
                "skipped test: demo.CalculatorTest#adds passed on the base and is skipped with the change",
                "(`@Disabled` added, " + MAVEN_TEST + ":10)",
                Kind.SKIPPED,
                null);
    }

    static Case mavenRename() {
        return new Case(
                "maven: a test renamed in a flat class",
                "maven",
                Projects.maven(),
                with(
                        Projects.mavenGoodChange(),
                        MAVEN_TEST,
                        mavenTest().replace("void adds()", "void addsTwoNumbers()")),
                "PASSED",
                null,
                null,
                Kind.RENAMED,
                "demo.CalculatorTest#addsTwoNumbers");
    }

    static Case mavenMove() {
        String without = mavenTest().replace(ADDS_BLOCK, "");
        String moved = Projects.CALCULATOR_TEST.replace("class CalculatorTest", "class AddTest");
        return new Case(
                "maven: a test moved to another class and file",
                "maven",
                Projects.maven(),
                with(Projects.mavenGoodChange(), MAVEN_TEST, without, "src/test/java/demo/AddTest.java", moved),
                "PASSED",
                null,
                null,
                Kind.MOVED,
                "demo.AddTest#adds");
    }

    static Case mavenExclude() {
        String pom = Projects.POM.replace(
                "<version>3.5.3</version>\n",
                "<version>3.5.3</version>\n"
                        + "        <configuration><excludes><exclude>**/CalculatorTest.java</exclude></excludes>"
                        + "</configuration>\n");
        String multiply = Projects.CALCULATOR_TEST
                .replace("class CalculatorTest", "class MultiplyTest")
                .replace("void adds()", "void multiplies()")
                .replace(
                        "assertEquals(5, new Calculator().add(2, 3))",
                        "assertEquals(6, new Calculator().multiply(2, 3))");
        Map<String, String> change = new HashMap<>(Projects.mavenGoodChange());
        change.remove(MAVEN_TEST);
        return new Case(
                "maven: a Surefire exclude in the pom",
                "maven",
                Projects.maven(),
                with(change, "pom.xml", pom, "src/test/java/demo/MultiplyTest.java", multiply),
                "FAILED",
                "missing test: demo.CalculatorTest#adds passed on the base and did not run with the change",
                "(the change edits a file that can select or skip tests, pom.xml:32)",
                Kind.NOT_RUN,
                null);
    }

    static Case pytestDelete() {
        return new Case(
                "pytest: a test deleted from the file the change edits",
                "python",
                Projects.python(),
                with(
                        Projects.pythonGoodChange(),
                        PY_TEST,
                        "from calc import add, multiply\n\n\ndef test_multiplies():\n    assert multiply(2, 3) == 6\n"),
                "FAILED",
                "removed test: tests.test_calc#test_adds passed on the base and the change deletes it",
                PY_TEST + ":4)",
                Kind.REMOVED,
                null);
    }

    static Case pytestRename() {
        return new Case(
                "pytest: a test renamed",
                "python",
                Projects.python(),
                with(
                        Projects.pythonGoodChange(),
                        PY_TEST,
                        Projects.pythonGoodChange()
                                .get(PY_TEST)
                                .replace("def test_adds(", "def test_adds_two_numbers(")),
                "PASSED",
                null,
                null,
                Kind.RENAMED,
                "tests.test_calc#test_adds_two_numbers");
    }

    static Case pytestMove() {
        return new Case(
                "pytest: a test moved to another module",
                "python",
                Projects.python(),
                with(
                        Projects.pythonGoodChange(),
                        PY_TEST,
                        "from calc import multiply\n\n\ndef test_multiplies():\n    assert multiply(2, 3) == 6\n",
                        "tests/test_add.py",
                        Projects.python().get(PY_TEST)),
                "PASSED",
                null,
                null,
                Kind.MOVED,
                "tests.test_add#test_adds");
    }

    private static final String NODE_HEADER =
            "const test = require('node:test');\nconst assert = require('node:assert');\nconst calc = require('../calc.js');\n\n";
    private static final String NODE_MULTIPLIES =
            "test('multiplies', () => assert.strictEqual(calc.multiply(2, 3), 6));\n";

    static Case nodeDelete() {
        return new Case(
                "node: a test deleted",
                "node",
                Projects.node(),
                with(Projects.nodeGoodChange(), NODE_TEST, NODE_HEADER + NODE_MULTIPLIES),
                "FAILED",
                "removed test: test#adds passed on the base and the change deletes it",
                NODE_TEST + ":5)",
                Kind.REMOVED,
                null);
    }

    static Case nodeRename() {
        return new Case(
                "node: a test renamed",
                "node",
                Projects.node(),
                with(
                        Projects.nodeGoodChange(),
                        NODE_TEST,
                        Projects.nodeGoodChange().get(NODE_TEST).replace("test('adds'", "test('adds two numbers'")),
                "PASSED",
                null,
                null,
                Kind.RENAMED,
                "test#adds two numbers");
    }

    /** node names a test by its description alone: moved to another file, it is the same test. */
    static Case nodeMove() {
        return new Case(
                "node: a test moved to another file (the same id)",
                "node",
                Projects.node(),
                with(
                        Projects.nodeGoodChange(),
                        NODE_TEST,
                        NODE_HEADER + NODE_MULTIPLIES,
                        "test/add.test.js",
                        Projects.node().get(NODE_TEST)),
                "PASSED",
                null,
                null,
                null,
                null);
    }

    /** The base's package.json decides what runs: a change that narrows its test script changes nothing. */
    static Case nodeScriptEdit() {
        return new Case(
                "node: the test script narrowed in package.json (the base's script runs)",
                "node",
                Projects.node(),
                with(
                        Projects.nodeGoodChange(),
                        "package.json",
                        Projects.node().get("package.json").replace("node --test", "node --test test/none.test.js")),
                "PASSED",
                null,
                null,
                null,
                null);
    }
}
