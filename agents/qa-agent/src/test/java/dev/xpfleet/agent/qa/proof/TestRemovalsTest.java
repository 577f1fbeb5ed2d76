package dev.xpfleet.agent.qa.proof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.agent.qa.proof.TestRemovals.Kind;
import dev.xpfleet.agent.qa.proof.TestRemovals.Removal;
import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.testreport.TestReports.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account of missing tests, from real git diffs of small trees: what a rename or a move looks
 * like to each runner, and each way a change can remove or silence a test.
 */
class TestRemovalsTest {

    @TempDir
    Path dir;

    static final String CALC_TEST = """
            package demo;

            import static org.junit.jupiter.api.Assertions.*;

            import org.junit.jupiter.api.Test;

            class CalcTest {
                @Test
                void adds() {
                    assertEquals(4, new Calc().add(2, 2));
                }

                @Test
                void subtracts() {
                    assertEquals(0, new Calc().sub(2, 2));
                }
            }
            """;

    static final String NESTED_TEST = """
            package demo;

            import static org.junit.jupiter.api.Assertions.*;

            import org.junit.jupiter.api.Nested;
            import org.junit.jupiter.api.Test;

            class CalcTest {
                @Nested
                class Adding {
                    @Test
                    void adds() {
                        assertEquals(4, new Calc().add(2, 2));
                    }
                }
            }
            """;

    static final String PY_TEST = """
            import pytest
            from calc import add


            class TestAdd:
                def test_adds(self):
                    assert add(2, 2) == 4


            @pytest.mark.parametrize("a,b", [(1, 2), (3, 4)])
            def test_commutes(a, b):
                assert add(a, b) == add(b, a)
            """;

    static final String NODE_TEST = """
            const test = require('node:test');
            const assert = require('node:assert');
            const { add } = require('../calc');

            test('adds', () => {
              assert.strictEqual(add(2, 2), 4);
            });
            """;

    static final String JAVA = "src/test/java/demo/CalcTest.java";

    @Test
    void aTestRenamedInPlaceInAFlatClassIsMatchedToItsSuccessor() throws Exception {
        Removal r = only(
                Map.of(JAVA, CALC_TEST),
                Map.of(JAVA, CALC_TEST.replace("void adds()", "void addsTwoNumbers()")),
                "demo.CalcTest#adds",
                Map.of("demo.CalcTest#addsTwoNumbers", Outcome.PASSED, "demo.CalcTest#subtracts", Outcome.PASSED));

        assertThat(r.kind()).isEqualTo(Kind.RENAMED);
        assertThat(r.successor()).isEqualTo("demo.CalcTest#addsTwoNumbers");
        assertThat(r.fails()).isFalse();
    }

    @Test
    void aRenameInANestedClassIsMatchedAsInAFlatOne() throws Exception {
        Removal method = only(
                Map.of(JAVA, NESTED_TEST),
                Map.of(JAVA, NESTED_TEST.replace("void adds()", "void addsTwoNumbers()")),
                "demo.CalcTest$Adding#adds",
                Map.of("demo.CalcTest$Adding#addsTwoNumbers", Outcome.PASSED));
        Removal nested = only(
                Map.of(JAVA, NESTED_TEST),
                Map.of(JAVA, NESTED_TEST.replace("class Adding", "class Sums")),
                "demo.CalcTest$Adding#adds",
                Map.of("demo.CalcTest$Sums#adds", Outcome.PASSED));

        assertThat(method.kind()).isEqualTo(Kind.RENAMED);
        assertThat(method.successor()).isEqualTo("demo.CalcTest$Adding#addsTwoNumbers");
        assertThat(nested.kind()).isEqualTo(Kind.RENAMED);
        assertThat(nested.successor()).isEqualTo("demo.CalcTest$Sums#adds");
    }

    @Test
    void aTestMovedToAnotherFileWithItsLinesIsMatched() throws Exception {
        String without = CALC_TEST.replace("""
                    @Test
                    void adds() {
                        assertEquals(4, new Calc().add(2, 2));
                    }

                """, "");
        String moved = CALC_TEST.replace("class CalcTest", "class AddTest").replace("""

                    @Test
                    void subtracts() {
                        assertEquals(0, new Calc().sub(2, 2));
                    }
                """, "");
        Removal r = only(
                Map.of(JAVA, CALC_TEST),
                Map.of(JAVA, without, "src/test/java/demo/AddTest.java", moved),
                "demo.CalcTest#adds",
                Map.of("demo.AddTest#adds", Outcome.PASSED, "demo.CalcTest#subtracts", Outcome.PASSED));

        assertThat(r.kind()).isEqualTo(Kind.MOVED);
        assertThat(r.successor()).isEqualTo("demo.AddTest#adds");
    }

    @Test
    void aDeletedTestIsRemovedWithTheLineThatDeclaredIt() throws Exception {
        String without = CALC_TEST.replace("""
                    @Test
                    void adds() {
                        assertEquals(4, new Calc().add(2, 2));
                    }

                """, "");
        Removal r = only(
                Map.of(JAVA, CALC_TEST),
                Map.of(JAVA, without),
                "demo.CalcTest#adds",
                Map.of("demo.CalcTest#subtracts", Outcome.PASSED));

        assertThat(r.kind()).isEqualTo(Kind.REMOVED);
        assertThat(r.file()).isEqualTo(JAVA);
        assertThat(r.line()).isEqualTo(9);
        assertThat(r.fails()).isTrue();
        assertThat(r.describe())
                .isEqualTo("removed test: demo.CalcTest#adds passed on the base and the change deletes it"
                        + " (its declaration is deleted, " + JAVA + ":9)");
    }

    @Test
    void aRenameThatChangesAnyLineOfTheBodyIsNotTheSameTest() throws Exception {
        String before = CALC_TEST.replace(
                "        assertEquals(4, new Calc().add(2, 2));\n",
                "        Calc calc = new Calc();\n        int sum = calc.add(2, 2);\n        assertEquals(4, sum);\n");
        // Renamed, and two lines below (a region of its own) the assertion made empty.
        String after = before.replace("    void adds() {", "    void addsSmallNumbers() {")
                .replace("        assertEquals(4, sum);", "        assertTrue(true);");
        Removal r = only(
                Map.of(JAVA, before),
                Map.of(JAVA, after),
                "demo.CalcTest#adds",
                Map.of("demo.CalcTest#addsSmallNumbers", Outcome.PASSED, "demo.CalcTest#subtracts", Outcome.PASSED));

        assertThat(r.kind()).isEqualTo(Kind.REMOVED);
        assertThat(r.cause())
                .isEqualTo("its declaration is deleted; demo.CalcTest#addsSmallNumbers, declared in its place, has"
                        + " another body");
        assertThat(r.fails()).isTrue();
    }

    @Test
    void aNestedClassRenamedAroundAHollowedTestIsNotARename() throws Exception {
        Removal r = only(
                Map.of(JAVA, NESTED_TEST),
                Map.of(
                        JAVA,
                        NESTED_TEST
                                .replace("class Adding", "class Sums")
                                .replace("assertEquals(4, new Calc().add(2, 2));", "assertTrue(true);")),
                "demo.CalcTest$Adding#adds",
                Map.of("demo.CalcTest$Sums#adds", Outcome.PASSED));

        assertThat(r.matched()).isFalse();
        assertThat(r.fails()).isTrue();
    }

    @Test
    void aParametrisedCaseWhoseValuesChangeIsTheSameTest() throws Exception {
        String py = "tests/test_calc.py";
        Removal r = only(
                Map.of(py, PY_TEST),
                Map.of(py, PY_TEST.replace("(3, 4)", "(3, 5)")),
                "tests.test_calc#test_commutes[3-4]",
                Map.of(
                        "tests.test_calc#test_commutes[1-2]",
                        Outcome.PASSED,
                        "tests.test_calc#test_commutes[3-5]",
                        Outcome.PASSED));

        assertThat(r.kind()).isEqualTo(Kind.RENAMED);
        assertThat(r.successor()).isEqualTo("tests.test_calc#test_commutes[3-5]");
    }

    @Test
    void aRenameThatAlsoHollowsTheTestOutIsARemovalNotARename() throws Exception {
        String hollow = CALC_TEST.replace("""
                    void adds() {
                        assertEquals(4, new Calc().add(2, 2));
                """, """
                    void addsTwoNumbers() {
                        assertTrue(true);
                """);
        Removal r = only(
                Map.of(JAVA, CALC_TEST),
                Map.of(JAVA, hollow),
                "demo.CalcTest#adds",
                Map.of("demo.CalcTest#addsTwoNumbers", Outcome.PASSED, "demo.CalcTest#subtracts", Outcome.PASSED));

        assertThat(r.kind()).isEqualTo(Kind.REMOVED);
        assertThat(r.fails()).isTrue();
    }

    @Test
    void aTestWithTheSameNameInANewClassIsNoSuccessorWhenTheOldClassWasNotRenamed() throws Exception {
        // @Nested taken off the class (its tests stop running) and a decoy of the same name added.
        String silenced = NESTED_TEST
                .replace("    @Nested\n", "")
                .replace(
                        "}\n}\n",
                        "}\n\n    @Nested\n    class Decoy {\n        @Test\n        void adds() {}\n    }\n}\n");
        Removal r = only(
                Map.of(JAVA, NESTED_TEST),
                Map.of(JAVA, silenced),
                "demo.CalcTest$Adding#adds",
                Map.of("demo.CalcTest$Decoy#adds", Outcome.PASSED));

        assertThat(r.kind()).isEqualTo(Kind.NOT_RUN);
        assertThat(r.fails()).isTrue();
    }

    @Test
    void anAddedDisabledIsTheSkipThatSilencedTheTest() throws Exception {
        Removal r = only(
                Map.of(JAVA, CALC_TEST),
                Map.of(
                        JAVA,
                        CALC_TEST.replace(
                                "    @Test\n    void adds()", "    @Test\n    @Disabled(\"flaky\")\n    void adds()")),
                "demo.CalcTest#adds",
                Map.of("demo.CalcTest#adds", Outcome.SKIPPED, "demo.CalcTest#subtracts", Outcome.PASSED));

        assertThat(r.kind()).isEqualTo(Kind.SKIPPED);
        assertThat(r.file()).isEqualTo(JAVA);
        assertThat(r.line()).isEqualTo(9);
        assertThat(r.cause()).isEqualTo("`@Disabled` added");
    }

    @Test
    void aSurefireExcludeIsNamedAsTheFileThatMayHaveDeselectedTheTest() throws Exception {
        String pom = "<project>\n  <build>\n  </build>\n</project>\n";
        Removal r = only(
                Map.of(JAVA, CALC_TEST, "pom.xml", pom),
                Map.of(
                        "pom.xml",
                        pom.replace(
                                "  <build>\n",
                                "  <build>\n    <excludes><exclude>**/CalcTest.java</exclude></excludes>\n")),
                "demo.CalcTest#adds",
                Map.of());

        assertThat(r.kind()).isEqualTo(Kind.NOT_RUN);
        assertThat(r.file()).isEqualTo("pom.xml");
        assertThat(r.line()).isEqualTo(3);
        assertThat(r.fails()).isTrue();
    }

    @Test
    void pytestClassesAndParametrisedIdsAreReadAsPytestWritesThem() throws Exception {
        String py = "tests/test_calc.py";
        Removal renamedClass = only(
                Map.of(py, PY_TEST),
                Map.of(py, PY_TEST.replace("class TestAdd:", "class TestAddition:")),
                "tests.test_calc.TestAdd#test_adds",
                Map.of("tests.test_calc.TestAddition#test_adds", Outcome.PASSED));
        Removal skipped = only(
                Map.of(py, PY_TEST),
                Map.of(
                        py,
                        PY_TEST.replace(
                                "@pytest.mark.parametrize",
                                "@pytest.mark.skip(reason=\"later\")\n@pytest.mark.parametrize")),
                "tests.test_calc#test_commutes[1-2]",
                Map.of("tests.test_calc#test_commutes[1-2]", Outcome.SKIPPED));
        Removal deleted = only(
                Map.of(py, PY_TEST),
                Map.of(py, PY_TEST.substring(0, PY_TEST.indexOf("\n\n@pytest.mark.parametrize")) + "\n"),
                "tests.test_calc#test_commutes[3-4]",
                Map.of("tests.test_calc.TestAdd#test_adds", Outcome.PASSED));

        assertThat(renamedClass.kind()).isEqualTo(Kind.RENAMED);
        assertThat(renamedClass.successor()).isEqualTo("tests.test_calc.TestAddition#test_adds");
        assertThat(skipped.kind()).isEqualTo(Kind.SKIPPED);
        assertThat(skipped.file()).isEqualTo(py);
        assertThat(skipped.cause()).isEqualTo("`@pytest.mark.skip` added");
        assertThat(deleted.kind()).isEqualTo(Kind.REMOVED);
        assertThat(deleted.line()).isEqualTo(11);
    }

    @Test
    void anEditedConftestIsNamedWhenTheTestsNoLongerRun() throws Exception {
        Removal r = only(
                Map.of("tests/test_calc.py", PY_TEST),
                Map.of("conftest.py", "collect_ignore = ['tests/test_calc.py']\n"),
                "tests.test_calc.TestAdd#test_adds",
                Map.of());

        assertThat(r.kind()).isEqualTo(Kind.NOT_RUN);
        assertThat(r.file()).isEqualTo("conftest.py");
        assertThat(r.describe())
                .isEqualTo("missing test: tests.test_calc.TestAdd#test_adds passed on the base and did not run"
                        + " with the change (the change edits a file that can select or skip tests, conftest.py:1)");
    }

    @Test
    void nodeTestsAreFoundByTheirDescription() throws Exception {
        String js = "test/calc.test.js";
        Removal renamed = only(
                Map.of(js, NODE_TEST),
                Map.of(js, NODE_TEST.replace("test('adds'", "test('adds two numbers'")),
                "test#adds",
                Map.of("test#adds two numbers", Outcome.PASSED));
        Removal skipped = only(
                Map.of(js, NODE_TEST),
                Map.of(js, NODE_TEST.replace("test('adds'", "test.skip('adds'")),
                "test#adds",
                Map.of("test#adds", Outcome.SKIPPED));
        Removal deleted = only(
                Map.of(js, NODE_TEST),
                Map.of(js, NODE_TEST.substring(0, NODE_TEST.indexOf("test('adds'"))),
                "test#adds",
                Map.of());

        assertThat(renamed.kind()).isEqualTo(Kind.RENAMED);
        assertThat(renamed.successor()).isEqualTo("test#adds two numbers");
        assertThat(skipped.kind()).isEqualTo(Kind.SKIPPED);
        assertThat(skipped.cause()).isEqualTo("`test.skip(` added");
        assertThat(deleted.kind()).isEqualTo(Kind.REMOVED);
        assertThat(deleted.file()).isEqualTo(js);
    }

    @Test
    void theBasesFleetYmlMayAllowRemovalsForAPath() throws Exception {
        String legacy = "src/test/java/demo/legacy/OldTest.java";
        String old = "package demo.legacy;\n\nclass OldTest {\n    @Test\n    void works() {}\n}\n";
        Removal r = only(
                Map.of(legacy, old),
                Map.of(legacy, ""),
                "demo.legacy.OldTest#works",
                Map.of(),
                List.of("src/test/java/demo/legacy/**"));

        assertThat(r.kind()).isEqualTo(Kind.REMOVED);
        assertThat(r.allowed()).isTrue();
        assertThat(r.fails()).isFalse();
    }

    @Test
    void anAllowanceIsForTheTestsPlaceOnTheBaseNotForAFileOfTheSameNameTheChangeAdds() throws Exception {
        String pom = "<project>\n  <build>\n  </build>\n</project>\n";
        Removal r = only(
                Map.of(JAVA, CALC_TEST, "pom.xml", pom),
                Map.of(
                        "pom.xml",
                        pom.replace(
                                "  <build>\n",
                                "  <build>\n    <excludes><exclude>**/CalcTest.java</exclude></excludes>\n"),
                        "src/test/java/legacy/demo/CalcTest.java",
                        "// nothing\n"),
                "demo.CalcTest#adds",
                Map.of(),
                List.of("src/test/java/legacy/**"));

        assertThat(r.file()).isEqualTo("pom.xml");
        assertThat(r.allowed()).isFalse();
        assertThat(r.fails()).isTrue();
    }

    @Test
    void aBadGlobIsRefusedNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestRemovals.allowing(List.of("tests/[old")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(".fleet.yml qa.allow-removed-tests: 'tests/[old' is not a glob");
    }

    /** Tests of the samples that are on the base, besides the missing one. */
    static final Set<String> ON_BASE = Set.of(
            "demo.CalcTest#subtracts", "tests.test_calc.TestAdd#test_adds", "tests.test_calc#test_commutes[1-2]");

    /** The latest trees {@link #diff} made. */
    Trees.Tree baseTree;

    Trees.Tree changedTree;

    /** The account of one missing test after {@code change} (empty content deletes) on {@code base}. */
    private Removal only(
            Map<String, String> base, Map<String, String> change, String missing, Map<String, Outcome> changed)
            throws Exception {
        return only(base, change, missing, changed, List.of());
    }

    private Removal only(
            Map<String, String> base,
            Map<String, String> change,
            String missing,
            Map<String, Outcome> changed,
            List<String> allow)
            throws Exception {
        ChangeSet diff = diff(base, change);
        Set<String> baseRun = new java.util.HashSet<>(ON_BASE);
        baseRun.add(missing);
        List<Removal> removals = TestRemovals.of(
                List.of(missing), baseRun, changed, diff, baseTree, changedTree, TestRemovals.allowing(allow));
        assertThat(removals).hasSize(1);
        return removals.get(0);
    }

    /**
     * A real repository: {@code base} committed, {@code change} written; the tree's diff to the
     * base, and the two trees as QA reads them.
     */
    private ChangeSet diff(Map<String, String> base, Map<String, String> change) throws Exception {
        Path repo = Files.createTempDirectory(dir, "repo").toRealPath();
        write(repo, base);
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "base");
        Map<String, String> edits = new HashMap<>(change);
        for (Map.Entry<String, String> e : edits.entrySet()) {
            if (e.getValue().isEmpty()) {
                Files.delete(repo.resolve(e.getKey()));
            }
        }
        edits.values().removeIf(String::isEmpty);
        write(repo, edits);
        git(repo, "add", "-A");
        ChangeSet diff = ChangeSet.parse(git(repo, "diff", "--cached", "--no-renames", "HEAD"));
        baseTree = Trees.commit(
                repo.resolve(".git"), git(repo, "rev-parse", "HEAD").strip());
        changedTree = Trees.changed(repo, baseTree, diff);
        return diff;
    }

    private static void write(Path repo, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path path = repo.resolve(f.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, f.getValue());
        }
    }

    private static String git(Path repo, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out;
    }
}
