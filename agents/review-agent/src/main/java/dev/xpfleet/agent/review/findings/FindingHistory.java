package dev.xpfleet.agent.review.findings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This iteration's findings against the earlier ones: a finding still there is unresolved (kept
 * under its first fingerprint, not posted again), an earlier one not raised now is resolved, and one
 * that comes back after it was resolved is dropped as noise.
 */
public final class FindingHistory {

    /**
     * @param history every finding so far, with its status after this iteration
     * @param open this iteration's open findings (new and unresolved)
     */
    public record Merged(List<Finding> history, List<Finding> open) {

        public List<Finding> withStatus(Finding.Status status) {
            return history.stream().filter(f -> f.status() == status).toList();
        }
    }

    private FindingHistory() {}

    /**
     * @param earlier the history the previous review left (empty on the first)
     * @param raised what the model raised on this iteration
     */
    public static Merged merge(List<Finding> earlier, List<Finding> raised, int iteration) {
        Map<String, Finding> history = new LinkedHashMap<>();
        earlier.forEach(f -> history.put(f.fingerprint(), f));
        Map<String, Finding> matchedOpen = new LinkedHashMap<>();
        List<Finding> open = new ArrayList<>();
        for (Finding now : raised) {
            Finding before = match(earlier, now);
            if (before == null) {
                if (!history.containsKey(now.fingerprint())) {
                    Finding fresh = now.withStatus(Finding.Status.NEW, iteration, 0);
                    history.put(fresh.fingerprint(), fresh);
                    open.add(fresh);
                }
                continue;
            }
            if (before.status().open()) {
                if (matchedOpen.containsKey(before.fingerprint())) {
                    continue; // said twice in one answer
                }
                // Still there: where it is now, under the fingerprint it was first raised with.
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
                matchedOpen.put(before.fingerprint(), still);
                open.add(still);
            } else if (before.status() == Finding.Status.RESOLVED) {
                history.put(
                        before.fingerprint(), before.withStatus(Finding.Status.DROPPED, before.raisedIn(), iteration));
            }
            // DROPPED stays dropped.
        }
        for (Finding f : earlier) {
            if (f.status().open() && !matchedOpen.containsKey(f.fingerprint())) {
                history.put(f.fingerprint(), f.withStatus(Finding.Status.RESOLVED, f.raisedIn(), iteration));
            }
        }
        return new Merged(List.copyOf(history.values()), List.copyOf(open));
    }

    private static Finding match(List<Finding> earlier, Finding now) {
        String anchor = Fingerprints.anchor(now.file(), now.category(), now.code());
        String topic = Fingerprints.topic(now.file(), now.category(), now.explanation());
        for (Finding f : earlier) {
            if (f.fingerprint().equals(now.fingerprint())
                    || anchor.equals(Fingerprints.anchor(f.file(), f.category(), f.code()))
                    || topic.equals(Fingerprints.topic(f.file(), f.category(), f.explanation()))) {
                return f;
            }
        }
        return null;
    }
}
