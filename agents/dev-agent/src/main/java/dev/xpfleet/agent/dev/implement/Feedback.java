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
        for (JsonNode reason : feedback.path("reasons")) {
            text.append("- ").append(reason.asString("")).append('\n');
        }
        for (JsonNode finding : feedback.path("findings")) {
            if (finding.isObject()) {
                text.append("- ")
                        .append(finding.path("file").asString("?"))
                        .append(':')
                        .append(finding.path("line").asInt(0))
                        .append(' ')
                        .append(finding.path("message")
                                .asString(finding.path("explanation").asString("")))
                        .append('\n');
            }
        }
        if (text.isEmpty()) {
            text.append(feedback.toString());
        }
        return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) + "\n... (cut)" : text.toString();
    }
}
