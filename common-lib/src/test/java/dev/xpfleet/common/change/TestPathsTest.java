package dev.xpfleet.common.change;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestPathsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "src/test/java/demo/CalcTest.java",
                "module/src/test/resources/data.json",
                "src/integrationTest/java/demo/X.java",
                "tests/test_calc.py",
                "pkg/calc_test.py",
                "conftest.py",
                "test/calc.test.js",
                "web/src/__tests__/App.tsx",
                "web/src/App.spec.ts",
                "lib/FooIT.java",
                "src/testFixtures/java/demo/Fixtures.java",
                "web/src/__mocks__/api.js",
                "e2e/login.cy.ts",
                "test.js",
                "lib/test-calc.mjs",
                "lib/calc-test.js",
                "lib/calc_test.cjs"
            })
    void testsAreRecognised(String path) {
        assertThat(TestPaths.isTest(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "src/main/java/demo/Calc.java",
                "calc.py",
                "src/testing_utils.py",
                "lib/contest.js",
                "src/main/java/demo/Attestation.java",
                "pom.xml",
                "src/main/java/com/acme/spec/Parser.java",
                "src/main/java/demo/ABTest.java",
                "lib/latest.js",
                "lib/contest-entry.js"
            })
    void productionIsNot(String path) {
        assertThat(TestPaths.isTest(path)).isFalse();
    }
}
