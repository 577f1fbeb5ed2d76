package dev.xpfleet.agent.review.findings;

import dev.xpfleet.common.hash.Sha256;
import java.util.Locale;

/**
 * Keys that recognise a finding again in a later iteration, however the model words it or wherever
 * the line moved: the fingerprint (file, category, code, text), the anchor (file, category, code:
 * the same complaint about the same code, worded anew) and the topic (file, category, text: the
 * same complaint about code that has changed since).
 */
public final class Fingerprints {

    private Fingerprints() {}

    public static String fingerprint(String file, String category, String code, String explanation) {
        return hash(file, category, code(code), text(explanation));
    }

    public static String anchor(String file, String category, String code) {
        return hash("anchor", file, category, code(code));
    }

    public static String topic(String file, String category, String explanation) {
        return hash("topic", file, category, text(explanation));
    }

    /** Code with all white space removed: re-indenting or re-wrapping a line keeps its anchor. */
    static String code(String code) {
        return code == null ? "" : code.replaceAll("\\s+", "");
    }

    /** Lower case words and numbers, punctuation gone, and no line numbers (they move). */
    static String text(String explanation) {
        return explanation == null
                ? ""
                : explanation
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("\\blines?\\s*\\d+(\\s*(-|to|and)\\s*\\d+)?", " ")
                        .replaceAll("[^\\p{L}\\p{N}]+", " ")
                        .strip();
    }

    private static String hash(String... parts) {
        return Sha256.hexOfParts(parts).substring(0, 20);
    }
}
