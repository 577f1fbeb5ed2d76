package dev.xpfleet.common.artifact;

import java.util.UUID;
import java.util.regex.Pattern;

/** The key layout of the artifact store, and the check every key passes before it is used. */
public final class ArtifactKeys {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._=-]+");

    private ArtifactKeys() {}

    /** A pair session's snapshot after an iteration: {@code pair_session/<id>/iter_<n>.tar.gz}. */
    public static String pairSnapshot(UUID sessionId, int iteration) {
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must not be negative: " + iteration);
        }
        return "pair_session/" + sessionId + "/iter_" + iteration + ".tar.gz";
    }

    /** Something that belongs to a task, e.g. {@code task(id, "qa", "report.json")}. */
    public static String task(UUID taskId, String... path) {
        StringBuilder key = new StringBuilder("tasks/").append(taskId);
        for (String segment : path) {
            key.append('/').append(segment);
        }
        return validate(key.toString());
    }

    /**
     * Refuses keys that could escape their prefix or confuse a file-backed store: empty, absolute,
     * {@code .} or {@code ..} segments, or characters outside letters, digits and {@code ._=-}.
     */
    public static String validate(String key) {
        if (key == null || key.isEmpty() || key.length() > 900) {
            throw new IllegalArgumentException("artifact key must be 1-900 characters");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()
                    || segment.equals(".")
                    || segment.equals("..")
                    || !SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("invalid artifact key '" + key + "': bad segment '" + segment + "'");
            }
        }
        return key;
    }
}
