package dev.xpfleet.orchestrator.refactor;

import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The issue a hotspot group becomes: the rule, the locations, the measured debt, and the rule that
 * behaviour must not change. Whatever an analyser wrote (rule names, file names, messages: they
 * quote code) is shown as code, on one line, cut, without backticks or comment markers, so it
 * cannot mention anyone, link, embed, or close the issue's marker.
 */
final class IssueText {

    static final int MAX_LOCATIONS = 20;

    private static final java.util.Set<String> SEVERITIES =
            java.util.Set.of("BLOCKER", "CRITICAL", "MAJOR", "MINOR", "INFO");

    private IssueText() {}

    static String title(JsonNode group) {
        String rule = oneLine(group.path("ruleName").asString(group.path("rule").asString("debt")), 80);
        return "Refactor " + oneLine(group.path("file").asString("?"), 120) + ": " + rule;
    }

    static String body(JsonNode group, String source) {
        StringBuilder body = new StringBuilder();
        body.append("Technical debt found by the weekly refactoring run (")
                .append("sonarqube".equals(source) ? "SonarQube" : "the fleet's built-in analysis")
                .append(").\n\n");
        body.append("- **Rule**: `")
                .append(oneLine(group.path("rule").asString("?"), 120))
                .append("` `")
                .append(oneLine(group.path("ruleName").asString(""), 200))
                .append('`')
                .append('\n');
        body.append("- **File**: `")
                .append(oneLine(group.path("file").asString("?"), 300))
                .append("`\n");
        String severity = group.path("severity").asString("MAJOR").toUpperCase(Locale.ROOT);
        body.append("- **Severity**: ")
                .append(SEVERITIES.contains(severity) ? severity : "MAJOR")
                .append('\n');
        body.append("- **Measured debt**: ")
                .append(group.path("debtMinutes").asLong(0))
                .append(" min");
        if (group.path("churn").asInt(0) > 0) {
            body.append(", changed in ").append(group.path("churn").asInt()).append(" commits");
        }
        body.append("\n\n**Locations**\n\n");
        int shown = 0;
        for (JsonNode location : group.path("locations")) {
            if (shown++ == MAX_LOCATIONS) {
                body.append("- ... and ")
                        .append(group.path("locations").size() - MAX_LOCATIONS)
                        .append(" more\n");
                break;
            }
            body.append("- line ")
                    .append(location.path("line").asInt(0))
                    .append(": `")
                    .append(oneLine(location.path("message").asString(""), 200))
                    .append("`\n");
        }
        body.append("\n**Behaviour must not change.** First add the tests that pin what the code does today")
                .append(" (they pass before the change), then refactor with those tests unchanged and green.\n");
        return body.toString();
    }

    /** One line, no backticks or HTML comment markers, at most {@code max} characters. */
    static String oneLine(String text, int max) {
        String flat = text.replaceAll("[\\r\\n\\t]+", " ")
                .replace('`', '\'')
                .replace("<!--", "<! --")
                .replace("-->", "-- >")
                .strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }
}
