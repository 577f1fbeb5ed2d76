package dev.xpfleet.agent.refactor.rank;

import java.util.List;

/**
 * What one refactoring issue is about: a file's hotspots of one family.
 *
 * @param fingerprint stable across runs while the file and family are the same (the fleet
 *     deduplicates on it)
 * @param rule the group's most frequent rule
 * @param severity the worst of its hotspots
 * @param debtMinutes the sum of its hotspots'
 * @param churn commits that changed the file (of the history looked at)
 * @param ageDays how long the oldest hotspot, or the file, has been there
 * @param score the rank: higher first
 */
public record Group(
        String fingerprint,
        String rule,
        String ruleName,
        String family,
        String file,
        String severity,
        int debtMinutes,
        int churn,
        long ageDays,
        double score,
        List<Hotspot> hotspots) {}
