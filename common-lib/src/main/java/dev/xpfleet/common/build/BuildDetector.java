package dev.xpfleet.common.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides how to build and test a workspace: Maven ({@code mvnw} or {@code mvn}), the Gradle
 * wrapper, npm (a {@code test} script in {@code package.json}) or pytest, in that order; a {@code
 * .fleet.yml} can set the commands and the threshold. Everything read here is repository content,
 * so untrusted: YAML is read with SnakeYAML's safe constructor (plain maps, lists and scalars
 * only), and commands stay lists of words, never a shell line.
 */
public final class BuildDetector {

    public static final double DEFAULT_CHANGED_LINES_COVERAGE = 0.8;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_CONFIG_BYTES = 64 * 1024;
    private static final String NOTHING_TO_RUN = "no build found: expected pom.xml, gradlew, a package.json with a"
            + " test script, Python tests, or a .fleet.yml with a test command";

    /** The JaCoCo plugin run on every Maven build, by coordinates: no change to the repository's pom. */
    static final String JACOCO = "org.jacoco:jacoco-maven-plugin:0.8.14";

    /** Detects with the dependency cache inside the workspace. */
    public BuildPlan detect(Path workspace) throws IOException {
        return detect(workspace, workspace.resolve(".fleet/cache"));
    }

    /**
     * @param dependencyCache where the build keeps what the prefetch downloads (Maven's local
     *     repository), outside the workspace so it survives between runs and tasks of the repository
     * @throws IllegalArgumentException when there is nothing to run, or {@code .fleet.yml} is unusable
     */
    public BuildPlan detect(Path workspace, Path dependencyCache) throws IOException {
        BuildPlan detected = detected(workspace, dependencyCache);
        Path config = workspace.resolve(".fleet.yml");
        if (Files.isRegularFile(config, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return override(detected, config);
        }
        if (detected == null) {
            throw new IllegalArgumentException(NOTHING_TO_RUN);
        }
        return detected;
    }

    private static BuildPlan detected(Path ws, Path cache) throws IOException {
        double threshold = DEFAULT_CHANGED_LINES_COVERAGE;
        if (Files.isRegularFile(ws.resolve("pom.xml"))) {
            String mvn = Files.isRegularFile(ws.resolve("mvnw")) ? "./mvnw" : "mvn";
            String repo = "-Dmaven.repo.local=" + cache.resolve("m2");
            // Failing tests must not stop the build before the coverage report: outcomes come from
            // the per-test reports, not from Maven's exit code.
            return new BuildPlan(
                    BuildPlan.Tool.MAVEN,
                    List.of(
                            mvn,
                            "-B",
                            "-q",
                            repo,
                            JACOCO + ":prepare-agent",
                            "test",
                            JACOCO + ":report",
                            // Matches every test class (so Surefire resolves its test provider) but no
                            // method: nothing of the repository's tests runs while the network is there.
                            "-Dtest=*#xpFleetPrefetchOnly_",
                            "-Dsurefire.failIfNoSpecifiedTests=false"),
                    List.of(
                            mvn,
                            "-B",
                            "-o",
                            repo,
                            JACOCO + ":prepare-agent",
                            "test",
                            JACOCO + ":report",
                            "-Dmaven.test.failure.ignore=true"),
                    List.of(),
                    List.of("**/target/surefire-reports/TEST-*.xml"),
                    "**/target/site/jacoco/jacoco.xml",
                    threshold);
        }
        if (Files.isRegularFile(ws.resolve("gradlew"))) {
            return new BuildPlan(
                    BuildPlan.Tool.GRADLE,
                    List.of("./gradlew", "--no-daemon", "testClasses"),
                    List.of("./gradlew", "--no-daemon", "--offline", "test", "--continue"),
                    List.of(),
                    List.of("**/build/test-results/test/*.xml"),
                    "**/build/reports/jacoco/test/jacocoTestReport.xml",
                    threshold);
        }
        Path packageJson = ws.resolve("package.json");
        if (Files.isRegularFile(packageJson)) {
            String script = npmTestScript(packageJson);
            if (script != null) {
                return npm(ws, script, threshold);
            }
        }
        if (hasPythonTests(ws)) {
            // Requirements go into the dependency cache, on PYTHONPATH for the offline runs.
            boolean requirements = Files.isRegularFile(ws.resolve("requirements.txt"));
            Path site = cache.resolve("python");
            List<String> prefetch = requirements
                    ? List.of("python3", "-m", "pip", "install", "--target", site.toString(), "-r", "requirements.txt")
                    : List.of();
            List<String> test = new java.util.ArrayList<>();
            if (requirements) {
                test.addAll(List.of("env", "PYTHONPATH=" + site));
            }
            test.addAll(List.of(
                    "python3",
                    "-m",
                    "pytest",
                    "-p",
                    "no:cacheprovider",
                    "--junitxml=.fleet/reports/pytest.xml",
                    "--cov=.",
                    "--cov-report=xml:.fleet/reports/coverage.xml"));
            return new BuildPlan(
                    BuildPlan.Tool.PYTEST,
                    prefetch,
                    test,
                    List.of(),
                    List.of(".fleet/reports/pytest.xml"),
                    ".fleet/reports/coverage.xml",
                    threshold);
        }
        return null;
    }

    /**
     * npm: a {@code node --test} script is run by node directly with its JUnit and lcov reporters
     * (per-test results and coverage); any other runner through {@code npm test}, with reports as
     * {@code .fleet.yml} says.
     */
    private static BuildPlan npm(Path ws, String script, double threshold) throws IOException {
        boolean lock = Files.isRegularFile(ws.resolve("package-lock.json"));
        List<String> prefetch = hasNpmDependencies(ws.resolve("package.json"))
                ? List.of("npm", lock ? "ci" : "install", "--ignore-scripts", "--no-audit", "--no-fund")
                : List.of();
        List<String> words = List.of(script.strip().split("\\s+"));
        if (words.size() >= 2 && words.get(0).equals("node") && words.get(1).equals("--test")) {
            List<String> test = new java.util.ArrayList<>(List.of(
                    "node",
                    "--test",
                    "--experimental-test-coverage",
                    "--test-reporter=junit",
                    "--test-reporter-destination=.fleet/reports/node.xml",
                    "--test-reporter=lcov",
                    "--test-reporter-destination=.fleet/reports/lcov.info"));
            test.addAll(words.subList(2, words.size()));
            return new BuildPlan(
                    BuildPlan.Tool.NPM,
                    prefetch,
                    test,
                    List.of(),
                    List.of(".fleet/reports/node.xml"),
                    ".fleet/reports/lcov.info",
                    threshold);
        }
        return new BuildPlan(
                BuildPlan.Tool.NPM,
                prefetch,
                List.of("npm", "test"),
                List.of(),
                List.of(".fleet/reports/*.xml"),
                "coverage/lcov.info",
                threshold);
    }

    private static String npmTestScript(Path packageJson) throws IOException {
        JsonNode test = packageJsonTree(packageJson).path("scripts").path("test");
        return test.isString() ? test.asString() : null;
    }

    private static boolean hasNpmDependencies(Path packageJson) throws IOException {
        JsonNode pkg = packageJsonTree(packageJson);
        return !pkg.path("dependencies").isEmpty()
                || !pkg.path("devDependencies").isEmpty();
    }

    private static JsonNode packageJsonTree(Path packageJson) throws IOException {
        if (Files.size(packageJson) > MAX_CONFIG_BYTES * 16) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(Files.readString(packageJson));
        } catch (tools.jackson.core.JacksonException e) {
            return JSON.missingNode();
        }
    }

    private static boolean hasPythonTests(Path ws) throws IOException {
        if (Files.isRegularFile(ws.resolve("pytest.ini")) || Files.isRegularFile(ws.resolve("pyproject.toml"))) {
            return true;
        }
        try (var files = Files.walk(ws, 3)) {
            return files.anyMatch(p -> {
                String name = p.getFileName().toString();
                return name.startsWith("test_") && name.endsWith(".py");
            });
        }
    }

    /** The repository's own settings on top of what was detected (or instead, when nothing was). */
    @SuppressWarnings("unchecked")
    private static BuildPlan override(BuildPlan detected, Path config) throws IOException {
        Map<String, Object> settings = FleetYml.read(config.getParent());
        if (settings.isEmpty() && detected != null) {
            return detected;
        }
        if (detected == null) {
            if (!settings.containsKey("test")) {
                throw new IllegalArgumentException(NOTHING_TO_RUN);
            }
            detected = new BuildPlan(
                    BuildPlan.Tool.CUSTOM,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    null,
                    DEFAULT_CHANGED_LINES_COVERAGE);
        }
        List<String> test = words(settings.get("test"), detected.test(), "test");
        double threshold = detected.changedLinesCoverage();
        Object coverage = settings.get("changed-lines-coverage");
        if (coverage instanceof Number n) {
            threshold = n.doubleValue() > 1 ? n.doubleValue() / 100 : n.doubleValue();
        } else if (coverage != null) {
            throw new IllegalArgumentException(".fleet.yml changed-lines-coverage must be a number, like 0.8 or 80");
        }
        return new BuildPlan(
                detected.tool(),
                words(settings.get("prefetch"), detected.prefetch(), "prefetch"),
                test,
                words(settings.get("lint"), detected.lint(), "lint"),
                words(settings.get("reports"), detected.reports(), "reports"),
                settings.get("coverage-report") instanceof String s ? s : detected.coverageReport(),
                threshold);
    }

    /** A command as a list of words; a single string is split on spaces (no shell). */
    private static List<String> words(Object value, List<String> otherwise, String key) {
        if (value == null) {
            return otherwise;
        }
        List<String> words = new ArrayList<>();
        if (value instanceof String s) {
            for (String w : s.strip().split("\\s+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof String || item instanceof Number)) {
                    throw new IllegalArgumentException(
                            ".fleet.yml " + key + " must be a command: a string or a list of strings");
                }
                words.add(String.valueOf(item));
            }
        } else {
            throw new IllegalArgumentException(
                    ".fleet.yml " + key + " must be a command: a string or a list of strings");
        }
        return words;
    }
}
