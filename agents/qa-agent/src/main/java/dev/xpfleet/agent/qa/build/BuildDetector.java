package dev.xpfleet.agent.qa.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
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

    /** @throws IllegalArgumentException when there is nothing to run, or {@code .fleet.yml} is unusable */
    public BuildPlan detect(Path workspace) throws IOException {
        BuildPlan detected = detected(workspace);
        Path config = workspace.resolve(".fleet.yml");
        if (Files.isRegularFile(config)) {
            return override(detected, config);
        }
        if (detected == null) {
            throw new IllegalArgumentException(NOTHING_TO_RUN);
        }
        return detected;
    }

    private static BuildPlan detected(Path ws) throws IOException {
        double threshold = DEFAULT_CHANGED_LINES_COVERAGE;
        if (Files.isRegularFile(ws.resolve("pom.xml"))) {
            String mvn = Files.isRegularFile(ws.resolve("mvnw")) ? "./mvnw" : "mvn";
            String repo = "-Dmaven.repo.local=" + ws.resolve(".fleet/m2");
            return new BuildPlan(
                    BuildPlan.Tool.MAVEN,
                    List.of(
                            mvn,
                            "-B",
                            "-q",
                            repo,
                            "test",
                            "-Dtest=NoSuchTest_",
                            "-Dsurefire.failIfNoSpecifiedTests=false"),
                    List.of(mvn, "-B", "-o", repo, "verify"),
                    List.of(),
                    List.of("**/target/surefire-reports/TEST-*.xml"),
                    "target/site/jacoco/jacoco.xml",
                    threshold);
        }
        if (Files.isRegularFile(ws.resolve("gradlew"))) {
            return new BuildPlan(
                    BuildPlan.Tool.GRADLE,
                    List.of("./gradlew", "--no-daemon", "testClasses"),
                    List.of("./gradlew", "--no-daemon", "--offline", "test"),
                    List.of(),
                    List.of("**/build/test-results/test/*.xml"),
                    "build/reports/jacoco/test/jacocoTestReport.xml",
                    threshold);
        }
        if (Files.isRegularFile(ws.resolve("package.json")) && hasNpmTestScript(ws.resolve("package.json"))) {
            return new BuildPlan(
                    BuildPlan.Tool.NPM,
                    List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"),
                    List.of("npm", "test"),
                    List.of(),
                    List.of(".fleet/reports/*.xml"),
                    "coverage/lcov.info",
                    threshold);
        }
        if (hasPythonTests(ws)) {
            List<String> prefetch = Files.isRegularFile(ws.resolve("requirements.txt"))
                    ? List.of("python3", "-m", "pip", "install", "--target", ".fleet/python", "-r", "requirements.txt")
                    : List.of();
            return new BuildPlan(
                    BuildPlan.Tool.PYTEST,
                    prefetch,
                    List.of("python3", "-m", "pytest", "--junitxml=.fleet/reports/pytest.xml"),
                    List.of(),
                    List.of(".fleet/reports/pytest.xml"),
                    "coverage.xml",
                    threshold);
        }
        return null;
    }

    private static boolean hasNpmTestScript(Path packageJson) throws IOException {
        try {
            JsonNode pkg = JSON.readTree(Files.readString(packageJson));
            return pkg.path("scripts").path("test").isString();
        } catch (tools.jackson.core.JacksonException e) {
            return false;
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
        if (Files.size(config) > MAX_CONFIG_BYTES) {
            throw new IllegalArgumentException(".fleet.yml is larger than 64 KB");
        }
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(config));
        } catch (YAMLException e) {
            throw new IllegalArgumentException(".fleet.yml is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null && detected != null) {
            return detected;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(".fleet.yml must be a mapping");
        }
        Map<String, Object> settings = (Map<String, Object>) map;
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
