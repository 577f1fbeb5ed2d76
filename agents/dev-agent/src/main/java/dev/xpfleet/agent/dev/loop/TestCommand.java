package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.build.BuildDetector;
import dev.xpfleet.common.build.BuildPlan;
import dev.xpfleet.common.build.FleetYml;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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

    public static TestCommand of(BuildPlan plan, Path cache) {
        return new TestCommand(plan.test(), plan.reports(), plan.tool(), cache, plan);
    }

    /** @throws IllegalArgumentException saying why the repository's tests cannot be run */
    public static TestCommand detect(Path base, Path cache) throws IOException {
        return of(new BuildDetector().detect(base, cache), cache);
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

    /**
     * The iterations the repository gives a task ({@code max-iters: 5}), or null when its {@code
     * .fleet.yml} names none; the orchestrator applies it to tasks whose creator set none.
     *
     * @throws IllegalArgumentException when it is not a whole number from 1 to 50
     */
    public static Integer maxIters(Path base) throws IOException {
        Object value = FleetYml.read(base).get("max-iters");
        if (value == null) {
            return null;
        }
        if (value instanceof Integer n && n >= 1 && n <= 50) {
            return n;
        }
        throw new IllegalArgumentException(".fleet.yml max-iters must be a whole number from 1 to 50");
    }

    /**
     * The repository's navigator for pair sessions ({@code pair: navigator:} in its base tree's
     * {@code .fleet.yml}: {@code both}, {@code qa} or {@code review}), or null when it sets none.
     */
    public static String pairNavigator(Path base) throws IOException {
        Object value = FleetYml.section(FleetYml.read(base), "pair").get("navigator");
        if (value == null) {
            return null;
        }
        if (value instanceof String s && List.of("both", "qa", "review").contains(s)) {
            return s;
        }
        throw new IllegalArgumentException(".fleet.yml pair.navigator must be both, qa or review, got '" + value + "'");
    }

    /** Whether the repository's pair sessions ping-pong ({@code pair: ping-pong: true} in its .fleet.yml). */
    public static boolean pairPingPong(Path base) throws IOException {
        Object value = FleetYml.section(FleetYml.read(base), "pair").get("ping-pong");
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(".fleet.yml pair.ping-pong must be true or false, got '" + value + "'");
    }

    private static List<String> devList(Path base, String key) throws IOException {
        return FleetYml.strings(FleetYml.section(FleetYml.read(base), "dev"), key, "dev", List.of());
    }
}
