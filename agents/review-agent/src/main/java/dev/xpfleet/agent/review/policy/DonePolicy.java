package dev.xpfleet.agent.review.policy;

import dev.xpfleet.common.build.FleetYml;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Definition of Done, as the base tree's {@code .fleet.yml} sets it under {@code review:} (a
 * change cannot lower its own bar: the reviewer reads the file before the patch is applied). Every
 * key has a default; docs/review.md lists them.
 *
 * @param minFailToPass tests that must fail before the change and pass after it
 * @param allowNewFindings whether a lint, SAST or secret finding on an added line may stay
 * @param changedLinesCoverage the least share (0 to 1) of the change's executable added lines the
 *     tests must run
 * @param maxCoverageDrop how many percentage points total coverage may fall
 * @param maxFiles files a change may touch
 * @param maxLines lines a change may add and remove, together
 * @param humanPaths globs of paths whose change always needs a person
 * @param blockingSeverities model findings that send the change back
 * @param modelReview whether a model reviews the change once the policy holds
 * @param untestedPaths the developer's {@code dev.untested-paths}: a change of only these needs no
 *     failing test
 */
public record DonePolicy(
        int minFailToPass,
        boolean allowNewFindings,
        double changedLinesCoverage,
        double maxCoverageDrop,
        int maxFiles,
        int maxLines,
        List<String> humanPaths,
        Set<String> blockingSeverities,
        boolean modelReview,
        List<String> untestedPaths) {

    public static final List<String> DEFAULT_HUMAN_PATHS = List.of(
            ".github/workflows/**",
            ".gitlab-ci.yml",
            ".fleet.yml",
            "**/pom.xml",
            "pom.xml",
            "**/build.gradle*",
            "build.gradle*",
            "settings.gradle*",
            "gradle/**",
            "package.json",
            "package-lock.json",
            "pyproject.toml",
            "setup.py",
            "setup.cfg",
            "requirements*.txt",
            "Dockerfile",
            "**/db/migration/**",
            "**/migrations/**");
    public static final Set<String> SEVERITIES = Set.of("blocker", "major", "minor", "info");

    public static DonePolicy defaults() {
        return from(Map.of());
    }

    /**
     * The policy a repository's {@code .fleet.yml} sets.
     *
     * @throws IllegalArgumentException naming the key that is wrong
     */
    public static DonePolicy from(Map<String, Object> settings) {
        Map<String, Object> review = FleetYml.section(settings, "review");
        Map<String, Object> dev = FleetYml.section(settings, "dev");
        double qaThreshold = ratio(settings.get("changed-lines-coverage"), 0.8, "changed-lines-coverage");
        List<String> blocking = FleetYml.strings(review, "blocking-severities", "review", List.of("blocker", "major"));
        for (String severity : blocking) {
            if (!SEVERITIES.contains(severity)) {
                throw new IllegalArgumentException(
                        ".fleet.yml review.blocking-severities: '" + severity + "' is none of " + SEVERITIES);
            }
        }
        return new DonePolicy(
                integer(review, "min-fail-to-pass", 1, 0),
                bool(review, "allow-new-findings", false),
                ratio(review.get("changed-lines-coverage"), qaThreshold, "review.changed-lines-coverage"),
                number(review, "max-coverage-drop", 2.0),
                integer(review, "max-files", 25, 1),
                integer(review, "max-lines", 1000, 1),
                FleetYml.strings(review, "human-paths", "review", DEFAULT_HUMAN_PATHS),
                Set.copyOf(blocking),
                bool(review, "model", true),
                FleetYml.strings(dev, "untested-paths", "dev", List.of()));
    }

    private static int integer(Map<String, Object> section, String key, int fallback, int least) {
        Object value = section.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Integer i && i >= least) {
            return i;
        }
        throw new IllegalArgumentException(".fleet.yml review." + key + " must be a whole number of at least " + least);
    }

    private static boolean bool(Map<String, Object> section, String key, boolean fallback) {
        Object value = section.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(".fleet.yml review." + key + " must be true or false");
    }

    private static double number(Map<String, Object> section, String key, double fallback) {
        Object value = section.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n && n.doubleValue() >= 0) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(".fleet.yml review." + key + " must be a number of at least 0");
    }

    /** 0.8 or 80 (percent), as QA reads its threshold. */
    private static double ratio(Object value, double fallback, String name) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 100) {
            return n.doubleValue() > 1 ? n.doubleValue() / 100 : n.doubleValue();
        }
        throw new IllegalArgumentException(".fleet.yml " + name + " must be a number, like 0.8 or 80");
    }
}
