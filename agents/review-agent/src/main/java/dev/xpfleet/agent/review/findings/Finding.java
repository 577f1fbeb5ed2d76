package dev.xpfleet.agent.review.findings;

/**
 * One point of the model's review, as kept across iterations.
 *
 * @param fingerprint stable across iterations: file, category, the code the finding points at and
 *     its normalised text ({@link Fingerprints})
 * @param line in the changed file
 * @param code the text of that line when the finding was made (what its anchor is made of)
 * @param severity {@code blocker}, {@code major}, {@code minor} or {@code info}
 * @param suggestion a replacement for the line, or null; withheld (null, with {@code suggestionNote})
 *     when it would not parse
 * @param status where it stands after this iteration's review
 * @param raisedIn the iteration that first raised it
 * @param closedIn the iteration that found it resolved or dropped it, or 0
 */
public record Finding(
        String fingerprint,
        String file,
        int line,
        String code,
        String severity,
        String category,
        String explanation,
        String suggestion,
        String suggestionNote,
        Status status,
        int raisedIn,
        int closedIn) {

    public enum Status {
        /** Raised by this iteration's review for the first time: posted. */
        NEW,
        /** Raised before and still there: not posted again. */
        UNRESOLVED,
        /** Raised before and gone now. */
        RESOLVED,
        /** Came back after it had been resolved: noise, neither posted nor held against the change. */
        DROPPED;

        public boolean open() {
            return this == NEW || this == UNRESOLVED;
        }
    }

    public Finding withStatus(Status status, int raisedIn, int closedIn) {
        return new Finding(
                fingerprint,
                file,
                line,
                code,
                severity,
                category,
                explanation,
                suggestion,
                suggestionNote,
                status,
                raisedIn,
                closedIn);
    }

    public Finding withSuggestion(String suggestion, String note) {
        return new Finding(
                fingerprint,
                file,
                line,
                code,
                severity,
                category,
                explanation,
                suggestion,
                note,
                status,
                raisedIn,
                closedIn);
    }

    /** "file:line [severity/category] explanation", for the developer. */
    public String describe() {
        return file + ":" + line + " [" + severity + "/" + category + "] " + explanation
                + (suggestion == null ? "" : " Suggested replacement for the line: " + suggestion);
    }
}
