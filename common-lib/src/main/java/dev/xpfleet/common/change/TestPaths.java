package dev.xpfleet.common.change;

import java.util.regex.Pattern;

/**
 * Which files hold tests, by the conventions of the builds the QA agent knows: Maven and Gradle
 * ({@code src/test/}), pytest ({@code test_*.py}, {@code *_test.py}, {@code tests/}, {@code
 * conftest.py}), JavaScript ({@code *.test.js}, {@code *.spec.ts}, {@code test/}, {@code
 * __tests__/}, and node --test's {@code test.js}, {@code test-*.js}, {@code *-test.js}, {@code
 * *_test.js}).
 */
public final class TestPaths {

    private static final Pattern TEST_DIR = Pattern.compile(
            "(^|/)(src/test|src/testFixtures|src/[A-Za-z]+Test|tests?|__tests__|__mocks__|spec|cypress)/");
    /** Production sources of Maven and Gradle builds, whatever their names look like. */
    private static final Pattern MAIN_DIR = Pattern.compile("(^|/)src/main/");

    private static final Pattern TEST_FILE =
            Pattern.compile("(^|/)(test_[^/]*\\.py|[^/]*_test\\.py|conftest\\.py|[^/]*\\.(test|spec|cy)\\.[cm]?[jt]sx?"
                    // node --test's own defaults: test.js, test-x.js, x-test.js, x_test.js
                    + "|test\\.[cm]?[jt]s|test-[^/]*\\.[cm]?[jt]s|[^/]*[-_]test\\.[cm]?[jt]s"
                    + "|[^/]*(Test|Tests|IT)\\.(java|kt|groovy))$");

    private TestPaths() {}

    public static boolean isTest(String path) {
        String p = path.replace('\\', '/');
        if (MAIN_DIR.matcher(p).find()) {
            return false;
        }
        return TEST_DIR.matcher(p).find() || TEST_FILE.matcher(p).find();
    }
}
