package dev.xpfleet.agent.refactor.rank;

import java.time.Instant;

/**
 * One finding of a debt source, at one place.
 *
 * @param rule the source's rule key, e.g. {@code java:S3776} or {@code builtin:method-complexity}
 * @param ruleName what the rule asks, in words
 * @param family what kind of debt: complexity, size, duplication, maintainability, reliability, security
 * @param file the path in the repository
 * @param line 1-based, 0 when the finding is about the whole file
 * @param message the source's words for this place (quotes code: untrusted)
 * @param severity BLOCKER, CRITICAL, MAJOR, MINOR or INFO
 * @param debtMinutes the estimated effort to fix it
 * @param since when the source first saw it, or null
 */
public record Hotspot(
        String rule,
        String ruleName,
        String family,
        String file,
        int line,
        String message,
        String severity,
        int debtMinutes,
        Instant since) {}
