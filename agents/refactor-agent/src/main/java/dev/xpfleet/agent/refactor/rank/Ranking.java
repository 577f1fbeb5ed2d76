package dev.xpfleet.agent.refactor.rank;

import dev.xpfleet.common.hash.Sha256;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Groups hotspots into refactorings (one per file and family, not one per line) and ranks them by
 * a score that multiplies the worst severity, the debt, how often the file changes (debt in code
 * that keeps changing costs every time) and how long it has been there (up to two years). Ties go
 * by file name, so a run is repeatable.
 */
public final class Ranking {

    private static final Map<String, Integer> SEVERITY =
            Map.of("BLOCKER", 5, "CRITICAL", 4, "MAJOR", 3, "MINOR", 2, "INFO", 1);

    private Ranking() {}

    /**
     * @param churn commits per file
     * @param firstSeen when each file first appears in the history looked at
     */
    public static List<Group> rank(
            List<Hotspot> hotspots, Map<String, Integer> churn, Map<String, Instant> firstSeen, Instant now) {
        Map<String, List<Hotspot>> byKey = hotspots.stream()
                .collect(Collectors.groupingBy(
                        h -> h.file() + "\n" + h.family(), LinkedHashMap::new, Collectors.toList()));
        return byKey.values().stream()
                .map(group -> group(group, churn, firstSeen, now))
                .sorted(Comparator.comparingDouble(Group::score)
                        .reversed()
                        .thenComparing(Group::file)
                        .thenComparing(Group::family))
                .toList();
    }

    private static Group group(
            List<Hotspot> hotspots, Map<String, Integer> churn, Map<String, Instant> firstSeen, Instant now) {
        Hotspot first = hotspots.get(0);
        Map.Entry<String, Long> rule = hotspots.stream()
                .collect(Collectors.groupingBy(Hotspot::rule, LinkedHashMap::new, Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow();
        String ruleName = hotspots.stream()
                .filter(h -> h.rule().equals(rule.getKey()))
                .map(Hotspot::ruleName)
                .findFirst()
                .orElse(rule.getKey());
        String severity = hotspots.stream()
                .map(Hotspot::severity)
                .max(Comparator.comparingInt(Ranking::weight))
                .orElse("MAJOR");
        int debt = hotspots.stream().mapToInt(Hotspot::debtMinutes).sum();
        int changes = churn.getOrDefault(first.file(), 0);
        Instant since = hotspots.stream()
                .map(Hotspot::since)
                .filter(java.util.Objects::nonNull)
                .min(Comparator.naturalOrder())
                .orElse(firstSeen.get(first.file()));
        long age = since == null ? 0 : Math.max(0, Duration.between(since, now).toDays());
        double score =
                weight(severity) * (1 + debt / 30.0) * (1 + Math.log1p(changes)) * (1 + Math.min(age, 730) / 365.0);
        List<Hotspot> ordered = hotspots.stream()
                .sorted(Comparator.comparingInt(Hotspot::line).thenComparing(Hotspot::rule))
                .toList();
        String fingerprint = Sha256.hex(first.family() + "\n" + first.file()).substring(0, 24);
        return new Group(
                fingerprint,
                rule.getKey(),
                ruleName,
                first.family(),
                first.file(),
                severity,
                debt,
                changes,
                age,
                Math.round(score * 100) / 100.0,
                ordered);
    }

    static int weight(String severity) {
        return SEVERITY.getOrDefault(severity == null ? "" : severity, 3);
    }
}
