package dev.xpfleet.orchestrator.forge;

import dev.xpfleet.orchestrator.task.Task;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The reviewer's result as a review on the pull request: its verdict and summary in the body, each
 * finding not posted on this pull request before as a comment on its line (with GitHub's suggestion
 * block when it has a replacement), and the findings resolved since the last posted review listed
 * as resolved. Findings still open from an earlier posted review are not posted again.
 */
final class ReviewComments {

    static final int MAX_COMMENTS = 30;
    private static final int MAX_SUGGESTION_CHARS = 4000;

    private ReviewComments() {}

    static String marker(Task task) {
        return "xp-fleet:review:" + task.id() + ":" + task.iteration();
    }

    /**
     * @param review the reviewer's output for the task's iteration
     * @param commit the commit the pull request shows
     * @param postedUpTo the last iteration whose review is on this pull request already, or 0
     */
    static Forge.Review of(Task task, JsonNode review, String commit, int postedUpTo) {
        StringBuilder body = new StringBuilder();
        body.append("**XP fleet review, iteration ")
                .append(task.iteration())
                .append(": ")
                .append(review.path("decision").asString("?"))
                .append("**");
        String summary = review.path("summary").asString("");
        if (!summary.isBlank()) {
            body.append("\n\n").append(PullRequestBody.quote(summary));
        }
        List<String> resolved = new ArrayList<>();
        for (JsonNode f : review.path("history")) {
            if ("RESOLVED".equals(f.path("status").asString(""))
                    && f.path("closedIn").asInt() > postedUpTo
                    && f.path("raisedIn").asInt() <= postedUpTo) {
                resolved.add(StatusText.quote(f.path("file").asString("?") + ":"
                                + f.path("line").asInt()) + " "
                        + StatusText.quote(f.path("explanation").asString("")));
            }
        }
        if (!resolved.isEmpty()) {
            body.append("\n\nResolved since the last review:\n");
            resolved.forEach(r -> body.append("- ").append(r).append('\n'));
        }
        List<Forge.LineComment> comments = new ArrayList<>();
        int stillOpen = 0;
        for (JsonNode f : review.path("findings")) {
            if (f.path("raisedIn").asInt() <= postedUpTo) {
                stillOpen++;
                continue;
            }
            if (comments.size() < MAX_COMMENTS && f.path("line").asInt() > 0) {
                comments.add(new Forge.LineComment(
                        f.path("file").asString(""), f.path("line").asInt(), comment(f)));
            }
        }
        if (stillOpen > 0) {
            body.append("\n\n")
                    .append(stillOpen)
                    .append(" finding(s) from an earlier review still stand (not repeated).");
        }
        return new Forge.Review(marker(task), commit, body.toString(), List.copyOf(comments));
    }

    private static String comment(JsonNode f) {
        StringBuilder text = new StringBuilder();
        text.append("**")
                .append(StatusText.quote(f.path("severity").asString("?") + "/"
                        + f.path("category").asString("?")))
                .append("** ")
                .append(PullRequestBody.quote(f.path("explanation").asString(""))
                        .substring(2));
        String suggestion = f.path("suggestion").asString("");
        if (!suggestion.isEmpty() && suggestion.length() <= MAX_SUGGESTION_CHARS && !suggestion.contains("```")) {
            // Inside the fence the model's text is code, not markdown: nothing in it renders or pings.
            text.append("\n\n```suggestion\n").append(suggestion).append("\n```");
        } else if (!f.path("suggestionNote").asString("").isEmpty()) {
            text.append("\n\n(Suggested replacement ")
                    .append(StatusText.quote(f.path("suggestionNote").asString()))
                    .append(")");
        }
        return text.toString();
    }
}
