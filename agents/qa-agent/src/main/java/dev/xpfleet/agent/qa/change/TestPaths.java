package dev.xpfleet.agent.qa.change;

import java.util.regex.Pattern;

/**
 * Which files hold tests, by the conventions of the builds the QA agent knows: Maven and Gradle
 * ({@code src/test/}), pytest ({@code test_*.py}, {@code *_test.py}, {@code tests/}, {@code
 * conftest.py}), JavaScript ({@code *.test.js}, {@code *.spec.ts}, {@code test/}, {@code
 * __tests__/}).
 */
public final class TestPaths {

    private static final Pattern TEST_DIR = Pattern.compile("(^|/)(src/test|src/[A-Za-z]+Test|tests?|__tests__|spec)/");
    private static final Pattern TEST_FILE =
            Pattern.compile("(^|/)(test_[^/]*\\.py|[^/]*_test\\.py|conftest\\.py|[^/]*\\.(test|spec)\\.[cm]?[jt]sx?"
                    + "|[^/]*(Test|Tests|IT)\\.(java|kt|groovy))$");

    private TestPaths() {}

    public static boolean isTest(String path) {
        String p = path.replace('\\', '/');
        return TEST_DIR.matcher(p).find() || TEST_FILE.matcher(p).find();
    }
}
