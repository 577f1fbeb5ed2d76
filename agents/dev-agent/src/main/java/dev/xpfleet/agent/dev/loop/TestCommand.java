package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.build.BuildDetector;
import dev.xpfleet.common.build.BuildPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * How the developer runs a repository's tests offline in the sandbox: the plan the shared {@link
 * BuildDetector} makes from the base tree (Maven, Gradle, npm, pytest, or the base tree's {@code
 * .fleet.yml}), the same QA uses, so a change cannot pick its own judge. The runs read their
 * dependencies from the repository's cache, filled by the prefetch before the loop.
 *
 * @param argv the test run
 * @param reports glob patterns of the JUnit reports the run leaves
 * @param tool the build tool, for what a run leaves behind
 * @param cache the repository's dependency cache (read-only in the runs)
 * @param plan the whole plan, for the prefetch
 */
public record TestCommand(List<String> argv, List<String> reports, BuildPlan.Tool tool, Path cache, BuildPlan plan) {

    private static final long MAX_CONFIG_BYTES = 64 * 1024;

    public static TestCommand of(BuildPlan plan, Path cache) {
        return new TestCommand(plan.test(), plan.reports(), plan.tool(), cache, plan);
    }

    /** @throws IllegalArgumentException saying why the repository's tests cannot be run */
    public static TestCommand detect(Path base, Path cache) throws IOException {
        return of(new BuildDetector().detect(base, cache), cache);
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
        return devList(base, "allow-paths");
    }

    /**
     * Paths a change may touch without a failing test first (documentation, say), as globs: {@code
     * dev: untested-paths: ["docs/**", "*.md"]}. A change touching only those is done when the suite
     * still passes.
     */
    public static List<String> untestedPaths(Path base) throws IOException {
        return devList(base, "untested-paths");
    }

    private static List<String> devList(Path base, String key) throws IOException {
        Object dev = settings(base).get("dev");
        Object value = dev instanceof Map<?, ?> map ? map.get(key) : null;
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException(".fleet.yml dev." + key + " must be a list of paths");
    }
}
