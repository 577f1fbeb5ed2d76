package dev.xpfleet.agent.dev.implement;

import tools.jackson.databind.JsonNode;

/** The previous iteration's feedback (QA reasons, review findings) as text for the model. */
final class Feedback {

    static final int MAX_CHARS = 6000;

    private Feedback() {}

    static String render(JsonNode feedback) {
        if (feedback == null || feedback.isMissingNode() || feedback.isNull()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        if (feedback.has("verdict")) {
            text.append("QA verdict: ")
                    .append(feedback.path("verdict").asString(""))
                    .append('\n');
        }
        if (feedback.has("decision")) {
            text.append("Review: ")
                    .append(feedback.path("decision").asString(""))
                    .append('\n');
        }
        for (JsonNode reason : feedback.path("reasons")) {
            text.append("- ").append(reason.asString("")).append('\n');
        }
        boolean review = feedback.has("decision");
        java.util.Set<String> blocking = new java.util.HashSet<>();
        feedback.path("blocking").forEach(b -> blocking.add(b.asString("")));
        StringBuilder mustFix = new StringBuilder();
        StringBuilder optional = new StringBuilder();
        for (JsonNode finding : feedback.path("findings")) {
            if (!finding.isObject()) {
                continue;
            }
            String line = "- " + finding.path("file").asString("?") + ":"
                    + finding.path("line").asInt(0) + " "
                    + finding.path("message")
                            .asString(finding.path("explanation").asString("")) + "\n";
            String severity = finding.path("severity").asString("");
            if (!review) {
                text.append(line);
            } else if (blocking.contains(finding.path("fingerprint").asString(""))) {
                continue; // a blocking finding of this review is one of its reasons already
            } else if (severity.equals("blocker") || severity.equals("major")) {
                mustFix.append(line); // still open from an earlier review
            } else {
                optional.append(line);
            }
        }
        if (!mustFix.isEmpty()) {
            text.append("Still open from the last review (must be fixed):\n").append(mustFix);
        }
        if (!optional.isEmpty()) {
            text.append("Suggestions (optional, not blocking):\n").append(optional);
        }
        if (text.isEmpty()) {
            text.append(feedback.toString());
        }
        return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) + "\n... (cut)" : text.toString();
    }
}
