package dev.xpfleet.agent.dev.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * How the developer runs a repository's tests offline in the sandbox: the base tree's {@code
 * .fleet.yml} {@code test} command, else pytest or {@code node --test} when the repository has
 * them. Read from the base tree before the model writes anything, so a change cannot pick its own
 * judge. Maven and Gradle need the offline dependency cache that only QA fills today: refused with
 * that reason.
 */
public record TestCommand(List<String> argv, String report) {

    /** Where the runners write their JUnit report; removed before and after every run. */
    public static final String REPORT_DIR = ".fleet-dev";

    private static final long MAX_CONFIG_BYTES = 64 * 1024;

    /** @throws IllegalArgumentException saying why the repository's tests cannot be run here */
    public static TestCommand detect(Path base) throws IOException {
        List<String> configured = configured(settings(base));
        if (configured != null) {
            return new TestCommand(configured, null);
        }
        if (Files.isRegularFile(base.resolve("pom.xml"))
                || Files.isRegularFile(base.resolve("build.gradle"))
                || Files.isRegularFile(base.resolve("build.gradle.kts"))) {
            throw new IllegalArgumentException("Maven and Gradle repositories need the offline dependency cache that"
                    + " the QA agent prefetches; the developer cannot run their tests yet (set a test command in"
                    + " .fleet.yml that runs offline to override)");
        }
        if (hasPythonTests(base)) {
            return new TestCommand(
                    List.of(
                            "python3",
                            "-B",
                            "-m",
                            "pytest",
                            "-q",
                            "-p",
                            "no:cacheprovider",
                            "--junitxml=" + REPORT_DIR + "/junit.xml"),
                    REPORT_DIR + "/junit.xml");
        }
        if (Files.isRegularFile(base.resolve("package.json"))
                && Files.readString(base.resolve("package.json")).contains("node --test")) {
            return new TestCommand(
                    List.of(
                            "node",
                            "--test",
                            "--test-reporter=spec",
                            "--test-reporter-destination=stdout",
                            "--test-reporter=junit",
                            "--test-reporter-destination=" + REPORT_DIR + "/junit.xml"),
                    REPORT_DIR + "/junit.xml");
        }
        throw new IllegalArgumentException(
                "no tests to run: no .fleet.yml test command, no Python tests, no node --test script");
    }

    private static boolean hasPythonTests(Path base) throws IOException {
        try (Stream<Path> files = Files.walk(base, 4)) {
            return files.map(p -> p.getFileName().toString())
                    .anyMatch(n -> n.startsWith("test_") && n.endsWith(".py") || n.endsWith("_test.py"));
        }
    }

    /**
     * The base tree's {@code .fleet.yml} as a mapping (empty when there is none).
     *
     * @throws IllegalArgumentException when it is too large, not YAML, or not a mapping
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> settings(Path base) throws IOException {
        Path config = base.resolve(".fleet.yml");
        if (!Files.isRegularFile(config, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Map.of();
        }
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
        if (root == null) {
            return Map.of();
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(".fleet.yml must be a mapping");
        }
        return (Map<String, Object>) map;
    }

    /**
     * Guarded paths the base tree's {@code .fleet.yml} lets the developer change: {@code dev:
     * allow-paths: [".github/workflows/", "pom.xml"]}.
     */
    public static List<String> allowedPaths(Path base) throws IOException {
        Object dev = settings(base).get("dev");
        if (dev == null) {
            return List.of();
        }
        Object allowed = dev instanceof Map<?, ?> map ? map.get("allow-paths") : null;
        if (allowed == null) {
            return List.of();
        }
        if (allowed instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException(".fleet.yml dev.allow-paths must be a list of paths");
    }

    @SuppressWarnings("unchecked")
    private static List<String> configured(Map<String, Object> settings) {
        if (!settings.containsKey("test")) {
            return null;
        }
        Object test = settings.get("test");
        if (test instanceof String line && !line.isBlank()) {
            return List.of("bash", "-c", line);
        }
        if (test instanceof List<?> words && !words.isEmpty() && words.stream().allMatch(String.class::isInstance)) {
            return (List<String>) words;
        }
        throw new IllegalArgumentException(".fleet.yml test must be a command: a string or a list of strings");
    }
}
