package dev.xpfleet.agent.qa.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.agent.qa.QaTestDirs;
import dev.xpfleet.agent.qa.findings.Analysers;
import dev.xpfleet.agent.qa.proof.TestRemovals;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.workspace.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole QA verdict on real Maven, node and pytest projects, every repository command in the real
 * sandbox. The Maven prefetch downloads the project's plugins and JUnit from Maven Central once
 * into a cache shared by these tests.
 */
class QaVerifierIT {

    static final Path WORK = QaTestDirs.work("qa-it");
    static final Path TOOLS = QaTestDirs.tools();
    static QaVerifier verifier;

    @BeforeAll
    static void verifier() throws Exception {
        assertThat(Sandbox.unavailableReason())
                .as("provisioning installs bubblewrap")
                .isNull();
        Sandbox sandbox = new Sandbox();
        SandboxLimits test = new SandboxLimits(Duration.ofMinutes(3), 1536L * 1024 * 1024, 512);
        QaLimits limits = new QaLimits(new SandboxLimits(Duration.ofMinutes(10), 1536L * 1024 * 1024, 512), test);
        Analysers analysers = new Analysers(sandbox, TOOLS, WORK.resolve("config"), test);
        assertThat(analysers.unavailableReason()).isNull();
        verifier = new QaVerifier(sandbox, analysers, limits);
    }

    static QaReport verify(Map<String, String> base, Map<String, String> change, String cache) throws Exception {
        return verify(base, change, cache, false);
    }

    static QaReport verify(Map<String, String> base, Map<String, String> change, String cache, boolean refactoring)
            throws Exception {
        TestRepository repo = TestRepository.of(WORK.resolve("repos"), base);
        String diff = repo.diff(change);
        try (Workspace ws = repo.checkout()) {
            return ReportSchema.checked(verifier.verify(
                    ws, "demo/" + cache, diff, Workspace.hashOf(diff), WORK.resolve("cache/" + cache), refactoring));
        }
    }

    @Test
    void aRefactoringPassesWithTestsPinningTodaysBehaviourAndFailsWhenBehaviourChanges() throws Exception {
        // The same change that is "not test-driven" as a feature is a refactoring done right.
        QaReport pinned = verify(Projects.python(), Projects.pythonNotTestDriven(), "python", true);

        assertThat(pinned.reasons()).isEmpty();
        assertThat(pinned.verdict()).isEqualTo("PASSED");
        assertThat(pinned.tdd().alreadyPassing()).containsExactly("tests.test_more#test_adds_negatives");
        assertThat(pinned.tdd().failToPass()).isEmpty();

        QaReport changed = verify(Projects.python(), Projects.pythonGoodChange(), "python", true);

        assertThat(changed.verdict()).isEqualTo("FAILED");
        assertThat(changed.reasons())
                .anySatisfy(r -> assertThat(r)
                        .startsWith("not a refactoring: behaviour changed")
                        .contains("tests.test_calc#test_multiplies"));

        QaReport unpinned =
                verify(Projects.python(), Map.of("calc.py", "def add(a, b):\n    return b + a\n"), "python", true);

        assertThat(unpinned.verdict()).isEqualTo("FAILED");
        assertThat(unpinned.reasons())
                .contains("refactoring not pinned: the change adds no test that pins today's behaviour");

        // A "pin" next to a rewritten existing test: the measure of behaviour kept is not the
        // change's to rewrite.
        Map<String, String> weakened = new java.util.HashMap<>(Projects.pythonNotTestDriven());
        weakened.put(
                "tests/test_calc.py", "from calc import add\n\n\ndef test_adds():\n    assert add(2, 3) is not None\n");
        QaReport rewritten = verify(Projects.python(), weakened, "python", true);

        assertThat(rewritten.verdict()).isEqualTo("FAILED");
        assertThat(rewritten.reasons())
                .anySatisfy(r -> assertThat(r)
                        .startsWith("a refactoring adds tests and leaves the existing ones as they are")
                        .contains("tests/test_calc.py"));
    }

    @Test
    void mavenTestFirstChangePassesWithItsProofAndCoverage() throws Exception {
        QaReport report = verify(Projects.maven(), Projects.mavenGoodChange(), "maven");

        assertThat(report.reasons()).isEmpty();
        assertThat(report.verdict()).isEqualTo("PASSED");
        assertThat(report.tdd().failToPass()).containsExactly("demo.CalculatorTest#multiplies");
        assertThat(report.tdd().passToPass()).isEqualTo(1);
        assertThat(report.runs().get("testsOnly").tests())
                .as("new test does not compile on the base")
                .isZero();
        assertThat(report.coverage().changedLines()).isEqualTo(1.0);
        assertThat(report.coverage().changedLinesExecutable()).isPositive();
        assertThat(report.coverage().total()).isEqualTo(1.0);
        assertThat(report.coverage().baseTotal())
                .as("the base run's own coverage, for the review's drop rule")
                .isEqualTo(1.0);
        assertThat(report.tests().passed()).isEqualTo(2);
    }

    @Test
    void mavenChangeThatBreaksATestFailsNamingIt() throws Exception {
        QaReport report = verify(Projects.maven(), Projects.mavenBreakingChange(), "maven");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .anySatisfy(r -> assertThat(r)
                        .startsWith("regression: demo.CalculatorTest#adds passed on the base")
                        .contains("expected: <5> but was: <-1>"));
    }

    @Test
    void mavenTestsThatPassWithoutTheChangeAreNotTestDriven() throws Exception {
        QaReport report = verify(Projects.maven(), Projects.mavenNotTestDriven(), "maven");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .contains("not test-driven: the new tests already pass without the change:"
                        + " demo.MoreAdditionTest#addsNegatives");
    }

    @Test
    void mavenSqlByConcatenationAndACloudKeyFailNamingFileLineAndRule() throws Exception {
        QaReport report = verify(Projects.maven(), Projects.mavenInsecureChange(), "maven");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.tdd().failToPass()).containsExactly("demo.UsersTest#greets");
        assertThat(report.reasons())
                .anySatisfy(r -> assertThat(r).startsWith("src/main/java/demo/Users.java:8 aws-key (secrets)"))
                .anySatisfy(
                        r -> assertThat(r).startsWith("src/main/java/demo/Users.java:21 EmptyCatchBlock (checkstyle)"))
                .anySatisfy(r ->
                        assertThat(r).startsWith("src/main/java/demo/Users.java:15 SQL_INJECTION_JDBC (spotbugs)"));
        assertThat(report.findings()).noneMatch(f -> f.message().contains("AKIA"));
    }

    @Test
    void nodeTestFirstChangePassesAndABreakingOneFailsNamingTheTest() throws Exception {
        QaReport good = verify(Projects.node(), Projects.nodeGoodChange(), "node");

        assertThat(good.reasons()).isEmpty();
        assertThat(good.tdd().failToPass()).containsExactly("test#multiplies");
        assertThat(good.coverage().changedLines()).isEqualTo(1.0);

        QaReport bad = verify(Projects.node(), Projects.nodeBreakingChange(), "node");

        assertThat(bad.verdict()).isEqualTo("FAILED");
        assertThat(bad.reasons()).anySatisfy(r -> assertThat(r).startsWith("regression: test#adds passed on the base"));
    }

    @Test
    void pytestTestFirstChangePassesAndOneWhoseTestsAlreadyPassFails() throws Exception {
        QaReport good = verify(Projects.python(), Projects.pythonGoodChange(), "python");

        assertThat(good.reasons()).isEmpty();
        assertThat(good.tdd().failToPass()).containsExactly("tests.test_calc#test_multiplies");
        assertThat(good.coverage().changedLines()).isEqualTo(1.0);
        assertThat(good.coverage().baseTotal()).isNotNull().isPositive();

        QaReport notTdd = verify(Projects.python(), Projects.pythonNotTestDriven(), "python");

        assertThat(notTdd.verdict()).isEqualTo("FAILED");
        assertThat(notTdd.reasons())
                .contains("not test-driven: the new tests already pass without the change:"
                        + " tests.test_more#test_adds_negatives");
    }

    @Test
    void aChangeWithoutTestsFails() throws Exception {
        QaReport report = verify(Projects.python(), Map.of("calc.py", "def add(a, b):\n    return b + a\n"), "python");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons()).contains("not test-driven: the change adds or changes no test");
    }

    @Test
    void aPatchThatDoesNotApplyOnTheBaseFailsSayingSo() throws Exception {
        TestRepository repo = TestRepository.of(WORK.resolve("repos"), Projects.python());
        String diff = repo.diff(Projects.pythonGoodChange()).replace("\n def add(a, b):", "\n def add(x, y):");
        try (Workspace ws = repo.checkout()) {
            QaReport report =
                    ReportSchema.checked(verifier.verify(ws, "demo/python", diff, "h", WORK.resolve("cache/python")));

            assertThat(report.verdict()).isEqualTo("FAILED");
            assertThat(report.reasons())
                    .singleElement()
                    .asString()
                    .startsWith("the patch does not apply on " + repo.baseCommit);
        }
    }

    @Test
    void pytestBreakingChangeFailsNamingTheTestAndACommittedKeyFailsNamingTheLine() throws Exception {
        QaReport broken = verify(Projects.python(), Projects.pythonBreakingChange(), "python");
        QaReport key = verify(Projects.python(), Projects.pythonKeyChange(), "python");

        assertThat(broken.verdict()).isEqualTo("FAILED");
        assertThat(broken.reasons())
                .anySatisfy(r -> assertThat(r).startsWith("regression: tests.test_calc#test_adds passed on the base"));
        assertThat(key.verdict()).isEqualTo("FAILED");
        assertThat(key.tdd().failToPass()).containsExactly("tests.test_key#test_key");
        assertThat(key.reasons())
                .containsExactly("calc.py:5 aws-key (secrets): a secret (aws-key) is committed in the code");
    }

    @Test
    void changedLinesNoTestRunsBelowTheThresholdFailNamingThem() throws Exception {
        QaReport report = verify(Projects.python(), Projects.pythonUncoveredChange(), "python");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.coverage().changedLinesExecutable()).isEqualTo(5);
        assertThat(report.coverage().changedLinesCovered()).isEqualTo(3);
        assertThat(report.reasons())
                .containsExactly(
                        "coverage of changed lines 60% is below 80%; not run by any test: calc.py lines [7, 8]");

        Map<String, String> lenient = new java.util.HashMap<>(Projects.python());
        lenient.put(".fleet.yml", "changed-lines-coverage: 50\n");
        assertThat(verify(lenient, Projects.pythonUncoveredChange(), "python").reasons())
                .as(".fleet.yml of the base sets the bar")
                .isEmpty();
    }

    @Test
    void nodeTestsThatPassWithoutTheChangeAreNotTestDriven() throws Exception {
        QaReport report = verify(Projects.node(), Projects.nodeNotTestDriven(), "node");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .contains("not test-driven: the new tests already pass without the change: test#adds negatives");
    }

    @Test
    void aChangeThatQuietlyStopsATestOrShipsItsOwnReportFails() throws Exception {
        Map<String, String> change = new java.util.HashMap<>(Projects.pythonGoodChange());
        change.put("tests/test_calc.py", Projects.python().get("tests/test_calc.py"));
        change.put(
                "tests/test_mul.py",
                "from calc import multiply\n\n\ndef test_multiplies():\n    assert multiply(2, 3) == 6\n");
        change.put("conftest.py", "collect_ignore = ['tests/test_calc.py']\n");
        change.put(
                ".fleet/reports/pytest.xml",
                "<testsuite><testcase classname=\"tests.test_fake\" name=\"test_ok\"/></testsuite>");

        QaReport report = verify(Projects.python(), change, "python");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .contains("missing test: tests.test_calc#test_adds passed on the base and did not run with the change"
                        + " (the change edits a file that can select or skip tests, conftest.py:1)");
        assertThat(report.tdd().failToPass()).containsExactly("tests.test_mul#test_multiplies");
    }

    @Test
    void mavenATestDeletedFromTheFileTheChangeEditsFailsWithWhereItWent() throws Exception {
        Map<String, String> change = new java.util.HashMap<>(Projects.mavenGoodChange());
        change.put(
                "src/test/java/demo/CalculatorTest.java",
                change.get("src/test/java/demo/CalculatorTest.java").replace("""
                                    @Test
                                    void adds() {
                                        assertEquals(5, new Calculator().add(2, 3));
                                    }

                                """, ""));

        QaReport report = verify(Projects.maven(), change, "maven");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .containsExactly("removed test: demo.CalculatorTest#adds passed on the base and the change deletes it"
                        + " (its declaration is deleted; demo.CalculatorTest#multiplies, declared in its place, has another"
                        + " body, src/test/java/demo/CalculatorTest.java:9)");
        assertThat(report.tdd().failToPass()).containsExactly("demo.CalculatorTest#multiplies");
    }

    @Test
    void mavenANewTestFileInTheProjectsHouseStyleIsNotHeldAgainstTheChange() throws Exception {
        Map<String, String> change = new java.util.HashMap<>(Projects.mavenGoodChange());
        change.remove("src/test/java/demo/CalculatorTest.java");
        change.put("src/test/java/demo/MultiplyTest.java", """
                package demo;

                import static org.junit.jupiter.api.Assertions.*;

                import java.util.List;
                import org.junit.jupiter.api.Test;

                class MultiplyTest {
                    @Test
                    void multiplies() {
                        assertEquals(6, new Calculator().multiply(2, 3)); assertTrue(true);
                    }
                }
                """);

        QaReport report = verify(Projects.maven(), change, "maven");

        assertThat(report.reasons())
                .as("star and unused imports, two statements on a line: style")
                .isEmpty();
        assertThat(report.verdict()).isEqualTo("PASSED");
    }

    @Test
    void mavenTheRepositorysOwnCheckstyleConfigurationOnItsBaseReplacesTheBuiltInRules() throws Exception {
        String config = """
                <?xml version="1.0"?>
                <!DOCTYPE module PUBLIC "-//Checkstyle//DTD Checkstyle Configuration 1.3//EN"
                    "https://checkstyle.org/dtds/configuration_1_3.dtd">
                <module name="Checker">
                  <module name="SuppressionFilter">
                    <property name="file" value="${config_loc}/suppressions.xml"/>
                  </module>
                  <module name="TreeWalker">
                    <module name="MagicNumber"/>
                  </module>
                </module>
                """;
        String suppressions = """
                <?xml version="1.0"?>
                <!DOCTYPE suppressions PUBLIC "-//Checkstyle//DTD SuppressionFilter Configuration 1.2//EN"
                    "https://checkstyle.org/dtds/suppressions_1_2.dtd">
                <suppressions>
                  <suppress checks="MagicNumber" files="[\\\\/]src[\\\\/]test[\\\\/]"/>
                </suppressions>
                """;
        Map<String, String> base = new java.util.HashMap<>(Projects.maven());
        base.put("config/checkstyle/checkstyle.xml", config);
        base.put("config/checkstyle/suppressions.xml", suppressions);
        Map<String, String> change = new java.util.HashMap<>(Projects.mavenGoodChange());
        change.put(
                "src/main/java/demo/Calculator.java",
                change.get("src/main/java/demo/Calculator.java").replace("return a * b;", "return a * b % 1000;"));
        change.put("config/checkstyle/checkstyle.xml", config.replace("<module name=\"MagicNumber\"/>", ""));

        QaReport report = verify(base, change, "maven");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .as("the base's rules, though the change takes the rule out of its own copy")
                .singleElement()
                .satisfies(r -> assertThat(r)
                        .startsWith("src/main/java/demo/Calculator.java:")
                        .contains("MagicNumber (checkstyle)"));
    }

    @Test
    void mavenRenamingAJUnitNestedClassIsAnHonestChange() throws Exception {
        assertThat(Projects.mavenNestedRenamingChange().get("src/test/java/demo/CalculatorTest.java"))
                .contains("class Arithmetic", "void multiplies()");
        QaReport report = verify(Projects.mavenNested(), Projects.mavenNestedRenamingChange(), "maven");

        assertThat(report.reasons()).isEmpty();
        assertThat(report.verdict()).isEqualTo("PASSED");
        assertThat(report.tdd().failToPass())
                .as("the renamed test passed on the base: it proves nothing")
                .containsExactly("demo.CalculatorTest$Arithmetic#multiplies");
        assertThat(report.tdd().passToPass()).isEqualTo(1);
        assertThat(report.tdd().removed()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("demo.CalculatorTest$Adding#adds");
            assertThat(r.kind()).isEqualTo(TestRemovals.Kind.RENAMED);
            assertThat(r.successor()).isEqualTo("demo.CalculatorTest$Arithmetic#adds");
        });
    }

    @Test
    void pytestASkipAddedToAnExistingTestFailsUnlessTheBaseAllowsIt() throws Exception {
        Map<String, String> change = new java.util.HashMap<>(Projects.pythonGoodChange());
        change.put(
                "tests/test_calc.py",
                "import pytest\n"
                        + change.get("tests/test_calc.py")
                                .replace("def test_adds", "@pytest.mark.skip(reason='flaky')\ndef test_adds"));

        QaReport report = verify(Projects.python(), change, "python");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .containsExactly("skipped test: tests.test_calc#test_adds passed on the base and is skipped with the"
                        + " change (`@pytest.mark.skip` added, tests/test_calc.py:5)");

        Map<String, String> allowing = new java.util.HashMap<>(Projects.python());
        allowing.put(".fleet.yml", "qa:\n  allow-removed-tests: ['tests/**']\n");
        QaReport allowed = verify(allowing, change, "python");
        assertThat(allowed.reasons()).isEmpty();
        assertThat(allowed.tdd().removed())
                .singleElement()
                .satisfies(r -> assertThat(r.allowed()).isTrue());
    }

    @Test
    void nodeASkippedTestFails() throws Exception {
        Map<String, String> change = new java.util.HashMap<>(Projects.nodeGoodChange());
        change.put("test/calc.test.js", change.get("test/calc.test.js").replace("test('adds'", "test.skip('adds'"));

        QaReport report = verify(Projects.node(), change, "node");

        assertThat(report.verdict()).isEqualTo("FAILED");
        assertThat(report.reasons())
                .containsExactly("skipped test: test#adds passed on the base and is skipped with the change"
                        + " (`test.skip(` added, test/calc.test.js:5)");
    }

    @Test
    void aChangeTouchingTheBuildFetchesIntoAPrivateCopyAndPlantsNothingForOthers() throws Exception {
        Path shared = WORK.resolve("cache/maven");
        verify(Projects.maven(), Projects.mavenGoodChange(), "maven"); // the shared cache is filled

        QaReport report = verify(Projects.maven(), Projects.mavenPlantingChange(), "maven");

        assertThat(report.runs()).containsKey("changePrefetch");
        assertThat(shared.resolve("m2/planted.txt")).doesNotExist();
        try (var files = java.nio.file.Files.walk(shared)) {
            assertThat(files.filter(p -> !java.nio.file.Files.isSymbolicLink(p)).map(p -> {
                        try {
                            return (Integer) java.nio.file.Files.getAttribute(p, "unix:uid");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }))
                    .as("the shared cache belongs to root between fills")
                    .containsOnly(0);
        }
        try (var siblings = java.nio.file.Files.list(shared.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .as("the private copy is gone")
                    .noneMatch(n -> n.contains(".change-"));
        }
    }

    /** {@link RemovedTestsCorpus}: each way a change can make a base test go, on each build. */
    @org.junit.jupiter.api.Nested
    class RemovedTests {

        @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
        @org.junit.jupiter.params.provider.MethodSource("dev.xpfleet.agent.qa.verify.RemovedTestsCorpus#cases")
        void theVerdictAndWhatItSays(RemovedTestsCorpus.Case c) throws Exception {
            QaReport report = verify(c.base(), c.change(), c.cache());

            if (c.reasonStart() == null) {
                assertThat(report.reasons()).isEmpty();
            } else {
                assertThat(report.reasons())
                        .singleElement()
                        .satisfies(
                                r -> assertThat(r).startsWith(c.reasonStart()).endsWith(c.reasonEnd()));
            }
            assertThat(report.verdict()).isEqualTo(c.verdict());
            assertThat(report.tdd().failToPass()).as("the feature's own test").hasSize(1);
            if (c.kind() == null) {
                assertThat(report.tdd().removed()).isEmpty();
            } else {
                assertThat(report.tdd().removed()).singleElement().satisfies(r -> {
                    assertThat(r.kind()).isEqualTo(c.kind());
                    assertThat(r.successor()).isEqualTo(c.successor());
                });
            }
        }
    }
}
