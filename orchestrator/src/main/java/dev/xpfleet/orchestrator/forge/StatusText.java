package dev.xpfleet.orchestrator.forge;

import dev.xpfleet.orchestrator.task.Task;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the fleet's status comment on an issue says for a task as it stands. Agent and audit text in
 * it is untrusted: shortened, quoted, and with mentions defused so a model cannot ping anyone.
 */
final class StatusText {

    private StatusText() {}

    /**
     * @param facts the latest audit detail per action that matters here ({@code pull_request.opened},
     *     {@code budget.exceeded}, {@code task.needs_human}, {@code task.failed}, {@code forge.failed})
     * @param lastVerdict the latest QA or review output that sent the task round again, or missing
     */
    static String of(Task task, Map<String, JsonNode> facts, JsonNode lastVerdict) {
        int n = task.iteration();
        int max = task.maxIters();
        return switch (task.state()) {
            case RECEIVED, QUEUED -> "Picked up: queued.";
            case DEVELOPING ->
                n <= 1
                        ? "Picked up: writing a test-first change (iteration 1 of " + max + ")."
                        : "Iteration " + (n - 1) + " did not pass" + because(lastVerdict) + " Working on iteration " + n
                                + " of " + max + ".";
            case TESTING -> "Iteration " + n + ": QA is running the tests.";
            case REVIEWING -> "Iteration " + n + ": passed QA, in review.";
            case CHANGES_REQUESTED -> "Iteration " + n + ": changes requested" + because(lastVerdict);
            case PAIRING -> "Pair session, iteration " + n + " of " + max + ".";
            case APPROVED -> "Approved after " + n + " iteration(s); opening a pull request.";
            case PR_OPEN -> "Pull request #" + number(facts) + " is open.";
            case MERGED -> "Merged (#" + number(facts) + ").";
            case BLOCKED_BUDGET -> blocked(facts.get("budget.exceeded"));
            case NEEDS_HUMAN -> needsPerson(detail(facts.get("task.needs_human"), "why"));
            case FAILED ->
                "Failed: "
                        + quote(firstOf(
                                detail(facts.get("forge.failed"), "reason"),
                                detail(facts.get("task.failed"), "reason")))
                        + ". Comment `/agent retry` to try again.";
            case CANCELLED -> "Cancelled.";
        };
    }

    /**
     * The facts under the status line: state, iteration, tokens against the task's budget, the pull
     * request and the task's REST address, and who last asked with {@code /agent status} and when.
     *
     * @param usedTokens the task's tokens spent and reserved so far
     * @param asked the latest {@code status.requested} audit detail ({@code by}, {@code at}), or null
     */
    static String footer(Task task, long usedTokens, long budgetTokens, Map<String, JsonNode> facts, JsonNode asked) {
        StringBuilder s = new StringBuilder("State `")
                .append(task.state())
                .append("` · iteration ")
                .append(Math.max(task.iteration(), 1))
                .append(" of ")
                .append(task.maxIters())
                .append(" · tokens ")
                .append(usedTokens)
                .append(" of ")
                .append(budgetTokens);
        JsonNode opened = facts.get("pull_request.opened");
        if (opened != null) {
            String url = opened.path("url").asString("");
            String number = opened.path("number").asString("?");
            if (url.startsWith("https://") || url.startsWith("http://")) {
                s.append(" · [pull request #")
                        .append(number)
                        .append("](")
                        .append(url.replace("(", "%28").replace(")", "%29").replace(" ", "%20"))
                        .append(')');
            } else {
                // The forge names it owner/repo#N (GitHub links that itself).
                s.append(" · pull request ").append(quote(url.isBlank() ? "#" + number : url));
            }
        }
        s.append(" · task `")
                .append(task.id())
                .append("` (`GET /api/tasks/")
                .append(task.id())
                .append("`)");
        if (asked != null) {
            s.append("\n\nStatus asked by ")
                    .append(quote(asked.path("by").asString("")))
                    .append(" at ")
                    .append(asked.path("at").asString("?"))
                    .append('.');
        }
        return s.toString();
    }

    private static String blocked(JsonNode budget) {
        if (budget == null) {
            return "Blocked: a token budget is spent.";
        }
        return "Blocked: the " + budget.path("budget").asString("token") + " budget is spent (limit "
                + budget.path("limit").asLong() + " tokens, used "
                + budget.path("used").asLong()
                + "). An operator can raise it and retry.";
    }

    private static String because(JsonNode verdict) {
        if (verdict == null || verdict.isMissingNode()) {
            return ".";
        }
        String why = firstOf(
                verdict.path("reasons").path(0).asString(""),
                verdict.path("summary").asString(""),
                verdict.path("body").asString(""));
        return why.isBlank() ? "." : ": " + quote(why) + ".";
    }

    private static String number(Map<String, JsonNode> facts) {
        JsonNode opened = facts.get("pull_request.opened");
        return opened == null ? "?" : opened.path("number").asString("?");
    }

    private static String detail(JsonNode node, String field) {
        return node == null ? "" : node.path(field).asString("");
    }

    private static String firstOf(String... texts) {
        for (String text : texts) {
            if (text != null && !text.isBlank()) {
                return text;
            }
        }
        return "";
    }

    /**
     * The reason a person is needed, and, for a pair session that stopped, its iterations as a
     * list (the lines of the reason that start with "- ", as the orchestrator wrote them: branch and
     * what each step said), at most 20, each quoted as data.
     */
    private static String needsPerson(String why) {
        String text = why == null ? "" : why;
        String first = text.lines().findFirst().orElse("");
        StringBuilder out = new StringBuilder("Needs a person: " + quote(first) + ". Comment `/agent retry` to go on.");
        List<String> listed =
                text.lines().skip(1).filter(l -> l.startsWith("- ")).limit(20).toList();
        if (!listed.isEmpty()) {
            out.append("\n\nThe pair session's iterations:");
            listed.forEach(l -> out.append("\n- ").append(quote(l.substring(2))));
        }
        return out.toString();
    }

    /** Untrusted text as inline code: one line, at most 200 characters, no mentions, no backticks. */
    static String quote(String text) {
        if (text == null || text.isBlank()) {
            return "`(no reason given)`";
        }
        String line = text.replaceAll("\\s+", " ").strip().replace("`", "'").replace("@", "@\u200b");
        return "`" + (line.length() > 200 ? line.substring(0, 200) + "..." : line) + "`";
    }
}
