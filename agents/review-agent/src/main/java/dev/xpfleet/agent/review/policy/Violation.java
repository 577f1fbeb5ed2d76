package dev.xpfleet.agent.review.policy;

/**
 * A rule of the Definition of Done the change breaks.
 *
 * @param rule the rule's name, as docs/review.md lists it
 * @param detail what to change, for the developer (or the person)
 * @param needsHuman whether only a person may let it through (a path that always needs one)
 */
public record Violation(String rule, String detail, boolean needsHuman) {

    public String describe() {
        return "[" + rule + "] " + detail;
    }
}
