package dev.xpfleet.agent.refactor.scan;

import dev.xpfleet.common.build.FleetYml;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A repository's {@code refactor:} section of {@code .fleet.yml}: {@code enabled} (true),
 * {@code source} ({@code auto}: SonarQube when the fleet has one, else built-in; {@code sonarqube};
 * {@code builtin}), {@code max-issues} (the fleet's at most), {@code weekly-token-budget},
 * {@code exclude} (globs of paths to leave alone). Which SonarQube project a repository is, is the
 * fleet's to say: a committer must not point the scan at another project the fleet's token reads.
 *
 * @param maxIssues null: the fleet's
 * @param weeklyTokens null: the fleet's
 */
record RepositorySettings(boolean enabled, String source, Integer maxIssues, Long weeklyTokens, List<String> exclude) {

    static final List<String> SOURCES = List.of("auto", "sonarqube", "builtin");

    /** @throws IllegalArgumentException naming the setting that is wrong */
    static RepositorySettings of(Map<String, Object> fleetYml) {
        Map<String, Object> section = FleetYml.section(fleetYml, "refactor");
        Object enabled = section.getOrDefault("enabled", Boolean.TRUE);
        if (!(enabled instanceof Boolean)) {
            throw new IllegalArgumentException(".fleet.yml refactor.enabled must be true or false");
        }
        String source = String.valueOf(section.getOrDefault("source", "auto")).toLowerCase(Locale.ROOT);
        if (!SOURCES.contains(source)) {
            throw new IllegalArgumentException(
                    ".fleet.yml refactor.source must be one of " + SOURCES + ", not " + source);
        }
        Long maxIssues = number(section, "max-issues", 0, 50);
        Long weekly = number(section, "weekly-token-budget", 0, Long.MAX_VALUE);
        List<String> exclude = FleetYml.strings(section, "exclude", "refactor", List.of());
        for (String glob : exclude) {
            try {
                java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(".fleet.yml refactor.exclude has a glob that is not one: '" + glob
                        + "' (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
        }
        return new RepositorySettings(
                (Boolean) enabled, source, maxIssues == null ? null : maxIssues.intValue(), weekly, exclude);
    }

    private static Long number(Map<String, Object> section, String key, long min, long max) {
        Object value = section.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n)
                || n.longValue() < min
                || n.longValue() > max
                || n.doubleValue() != n.longValue()) {
            throw new IllegalArgumentException(".fleet.yml refactor." + key + " must be a whole number from " + min
                    + (max == Long.MAX_VALUE ? " up" : " to " + max));
        }
        return n.longValue();
    }
}
