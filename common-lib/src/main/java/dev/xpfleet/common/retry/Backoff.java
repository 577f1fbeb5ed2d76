package dev.xpfleet.common.retry;

import java.time.Duration;

/**
 * Exponential backoff: the pause after the n-th failed attempt is {@code first * 2^(n-1)}, never
 * more than {@code max}. Stateless, so a retry count kept in a database row or a stream's delivery
 * counter gives the same pause as one kept in a loop. Every retry of the fleet pauses this way.
 *
 * @param first the pause after the first failure
 * @param max the longest pause (unbounded when null); below {@code first}, every pause is {@code max}
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first == null || first.isNegative()) {
            throw new IllegalArgumentException("a backoff needs a first pause >= 0");
        }
    }

    /** @param failures failed attempts so far, at least 1 */
    public Duration after(long failures) {
        long doublings = Math.min(Math.max(failures, 1) - 1, 30);
        Duration pause = first.multipliedBy(1L << doublings);
        return max != null && pause.compareTo(max) > 0 ? max : pause;
    }
}
