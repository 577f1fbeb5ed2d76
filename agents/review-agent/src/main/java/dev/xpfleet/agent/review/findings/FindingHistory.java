package dev.xpfleet.agent.review.findings;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * This iteration's findings against the earlier ones: a finding still there is unresolved (kept
 * under its first fingerprint, not posted again), an earlier one not raised now is resolved, and a
 * non-blocking one that comes back after it was resolved is dropped as noise. A blocking one that
 * comes back is open again: a fixed defect put back is not noise.
 */
public final class FindingHistory {

    /**
     * @param history every finding so far, with its status after this iteration
     * @param open this iteration's open findings (new and unresolved)
     */
    public record Merged(List<Finding> history, List<Finding> open) {}

    private FindingHistory() {}

    /**
     * @param earlier the history the previous review left (empty on the first)
     * @param raised what the model raised on this iteration
     * @param blocking the severities that send a change back
     */
    public static Merged merge(List<Finding> earlier, List<Finding> raised, int iteration, Set<String> blocking) {
        Map<String, Finding> history = new LinkedHashMap<>();
        earlier.forEach(f -> history.put(f.fingerprint(), f));
        Map<Finding, Finding> matches = match(earlier, raised);
        Set<String> stillThere = new HashSet<>();
        List<Finding> open = new ArrayList<>();
        for (Finding now : raised) {
            Finding before = matches.get(now);
            if (before == null) {
                if (!history.containsKey(now.fingerprint())) {
                    Finding fresh = now.withStatus(Finding.Status.NEW, iteration, 0);
                    history.put(fresh.fingerprint(), fresh);
                    open.add(fresh);
                }
                continue;
            }
            if (stillThere.contains(before.fingerprint())) {
                continue; // said twice in one answer
            }
            boolean reopen = before.status().open() || blocking.contains(now.severity());
            if (reopen) {
                // Still there (or put back): where it is now, under the fingerprint it was first raised with.
                Finding still = new Finding(
                        before.fingerprint(),
                        now.file(),
                        now.line(),
                        now.code(),
                        now.severity(),
                        now.category(),
                        now.explanation(),
                        now.suggestion(),
                        now.suggestionNote(),
                        Finding.Status.UNRESOLVED,
                        before.raisedIn(),
                        0);
                history.put(before.fingerprint(), still);
                stillThere.add(before.fingerprint());
                open.add(still);
            } else if (before.status() == Finding.Status.RESOLVED) {
                history.put(
                        before.fingerprint(), before.withStatus(Finding.Status.DROPPED, before.raisedIn(), iteration));
            }
            // A non-blocking DROPPED one stays dropped.
        }
        for (Finding f : earlier) {
            if (f.status().open() && !stillThere.contains(f.fingerprint())) {
                history.put(f.fingerprint(), f.withStatus(Finding.Status.RESOLVED, f.raisedIn(), iteration));
            }
        }
        return new Merged(List.copyOf(history.values()), List.copyOf(open));
    }

    /**
     * Each raised finding to at most one earlier finding, and each earlier one to at most one raised:
     * first by fingerprint, then by anchor (same code, worded anew), then by topic (same complaint,
     * code changed), open earlier findings before closed ones at each step.
     */
    private static Map<Finding, Finding> match(List<Finding> earlier, List<Finding> raised) {
        List<Finding> candidates =
                new ArrayList<>(earlier.stream().filter(f -> f.status().open()).toList());
        candidates.addAll(earlier.stream().filter(f -> !f.status().open()).toList());
        Map<Finding, Finding> matches = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        List<Function<Finding, String>> keys = List.of(
                Finding::fingerprint,
                f -> Fingerprints.anchor(f.file(), f.category(), f.code()),
                f -> Fingerprints.topic(f.file(), f.category(), f.explanation()));
        for (Function<Finding, String> key : keys) {
            for (Finding now : raised) {
                if (matches.containsKey(now)) {
                    continue;
                }
                String wanted = key.apply(now);
                for (Finding before : candidates) {
                    if (!taken.contains(before.fingerprint()) && wanted.equals(key.apply(before))) {
                        matches.put(now, before);
                        taken.add(before.fingerprint());
                        break;
                    }
                }
            }
        }
        return matches;
    }
}
