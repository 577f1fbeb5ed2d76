package dev.xpfleet.orchestrator.forge;

import dev.xpfleet.orchestrator.task.Task;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The fleet's pull request body: what changed and why (the developer's words, quoted), the tests
 * and their red and green evidence, QA's figures, the review, iterations and tokens. Agent and model
 * text is untrusted: quoted, shortened, mentions defused, as in the status comment.
 */
final class PullRequestBody {

    private static final int LISTED = 10;
    private static final int MAX_QUOTED = 2000;

    private PullRequestBody() {}

    static String of(Task task, JsonNode dev, JsonNode qa, JsonNode review, long tokens) {
        StringBuilder body = new StringBuilder();
        if (task.issueNumber() != null) {
            body.append("Closes #").append(task.issueNumber()).append("\n\n");
        }
        body.append("Made by the XP fleet for task `")
                .append(task.id())
                .append("`, iteration ")
                .append(task.iteration())
                .append(" of at most ")
                .append(task.maxIters())
                .append(".\n\n");
        String summary = dev.path("summary").asString("");
        if (!summary.isBlank()) {
            body.append("### What changed and why\n\n").append(quote(summary)).append("\n\n");
        }
        List<String> files = strings(dev.path("filesChanged"));
        if (!files.isEmpty()) {
            body.append("Files: ").append(listed(files)).append("\n\n");
        }
        body.append("### Test-first evidence\n\n");
        List<String> tests = strings(dev.path("testsChanged"));
        body.append("- Tests added or changed: ")
                .append(tests.isEmpty() ? "none" : listed(tests))
                .append('\n');
        List<String> red = strings(dev.path("red").path("failedTests"));
        body.append("- Red, before the production change: ")
                .append(red.isEmpty() ? "no failing test recorded" : "failing " + listed(red))
                .append('\n');
        body.append("- Green, after it: ")
                .append(dev.path("green").path("passed").asBoolean(false) ? "the suite passes" : "not recorded")
                .append("\n\n");
        body.append("### QA\n\n");
        body.append("- Verdict: ")
                .append(qa.path("verdict").asString("no report"))
                .append('\n');
        if (qa.has("failToPass")) {
            body.append("- Tests that fail before and pass after (FAIL_TO_PASS): ")
                    .append(qa.path("failToPass").asInt())
                    .append('\n');
        }
        if (qa.path("coverage").isNumber()) {
            body.append("- Coverage: ").append(qa.path("coverage").asString()).append("%\n");
        }
        if (qa.path("changedLinesCoverage").isNumber()) {
            body.append("- Changed lines covered: ")
                    .append(qa.path("changedLinesCoverage").asString())
                    .append("%\n");
        }
        if (qa.has("findings")) {
            body.append("- Analyser findings on added lines: ")
                    .append(qa.path("findings").asInt())
                    .append('\n');
        }
        body.append("\n### Review\n\n**")
                .append(review.path("decision").asString("no review"))
                .append("**");
        String reviewSummary = review.path("summary").asString("");
        if (!reviewSummary.isBlank()) {
            body.append("\n\n").append(quote(reviewSummary));
        }
        List<String> suggestions = new ArrayList<>();
        for (JsonNode f : review.path("findings")) {
            suggestions.add(StatusText.quote(
                            f.path("file").asString("?") + ":" + f.path("line").asInt()) + " "
                    + StatusText.quote(f.path("explanation").asString("")));
        }
        if (!suggestions.isEmpty()) {
            body.append("\n\nSuggestions (not blocking):\n");
            suggestions.stream()
                    .limit(LISTED)
                    .forEach(s -> body.append("- ").append(s).append('\n'));
        }
        body.append("\n\n### Cost\n\n- Iterations: ")
                .append(task.iteration())
                .append("\n- Model tokens (prompt and completion, all agents): ")
                .append(tokens)
                .append('\n');
        return body.toString();
    }

    /**
     * Model text as a block quote that cannot do more than read as text: no HTML (a comment could
     * forge the fleet's markers), no images or markdown links, no mentions, no issue references (a
     * "closes #12" would close another issue on merge), at most 2000 characters.
     */
    static String quote(String text) {
        String cut = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
        String safe = cut.strip()
                .replace("<", "&lt;")
                .replace("@", "@\u200b")
                .replace("#", "#\u200b")
                .replace("](", "]\\(")
                .replace("![", "!\\[");
        return "> " + safe.replace("\n", "\n> ");
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString("")));
        return values;
    }

    private static String listed(List<String> items) {
        List<String> shown = items.stream().limit(LISTED).map(StatusText::quote).toList();
        return String.join(", ", shown) + (items.size() > LISTED ? " and " + (items.size() - LISTED) + " more" : "");
    }
}
