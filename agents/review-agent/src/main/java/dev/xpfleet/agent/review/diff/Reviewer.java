package dev.xpfleet.agent.review.diff;

import dev.xpfleet.agent.review.findings.Finding;
import dev.xpfleet.agent.review.findings.FindingHistory;
import dev.xpfleet.agent.review.findings.SuggestionBuild;
import dev.xpfleet.agent.review.findings.SuggestionCheck;
import dev.xpfleet.agent.review.model.ModelReview;
import dev.xpfleet.agent.review.policy.DonePolicy;
import dev.xpfleet.agent.review.policy.PolicyCheck;
import dev.xpfleet.agent.review.policy.Violation;
import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.model.ModelCallException;
import dev.xpfleet.common.stream.EnvelopeCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One review of one change: the Definition of Done first (no tokens; a failure ends the review and
 * the model is not asked), then the model's findings, checked and merged with the earlier
 * iterations'; the verdict is derived here, never taken from the model.
 */
public final class Reviewer {

    public static final String APPROVE = "APPROVE";
    public static final String CHANGES_REQUESTED = "CHANGES_REQUESTED";
    public static final String NEEDS_HUMAN = "NEEDS_HUMAN";
    public static final String BLOCKED_BUDGET = "BLOCKED_BUDGET";
    static final int MAX_HISTORY = 200;

    /**
     * @param diff the change, applied to {@code workspace} already
     * @param qa QA's report as stored
     * @param earlier the findings history of the previous review, if any
     */
    public record Input(
            int iteration,
            String issueTitle,
            String issueBody,
            String diff,
            JsonNode qa,
            List<Finding> earlier,
            boolean refactoring) {

        public Input(
                int iteration, String issueTitle, String issueBody, String diff, JsonNode qa, List<Finding> earlier) {
            this(iteration, issueTitle, issueBody, diff, qa, earlier, false);
        }
    }

    private final ModelReview model;
    private final SuggestionCheck suggestions;
    private final SuggestionBuild builds;

    /** A reviewer whose suggestions are checked by parsing alone. */
    public Reviewer(ModelReview model, SuggestionCheck suggestions) {
        this(model, suggestions, null);
    }

    /**
     * @param model null when no model may be asked (then the policy alone decides)
     * @param builds compiles Java suggestions that parse, or null
     */
    public Reviewer(ModelReview model, SuggestionCheck suggestions, SuggestionBuild builds) {
        this.model = model;
        this.suggestions = suggestions;
        this.builds = builds;
    }

    public ObjectNode review(Input in, DonePolicy policy, Path workspace) throws IOException {
        ChangeSet change = ChangeSet.parse(in.diff());
        PolicyCheck.Result rules = PolicyCheck.check(policy, in.diff(), change, in.qa(), in.refactoring());
        ObjectNode out = EnvelopeCodec.mapper().createObjectNode();
        ArrayNode reasons = out.putArray("reasons");
        policy(out, rules);
        if (!rules.violations().isEmpty()) {
            rules.violations().forEach(v -> reasons.add(v.describe()));
            unchanged(out, in.earlier());
            String decision = rules.needsHuman() ? NEEDS_HUMAN : CHANGES_REQUESTED;
            out.put("decision", decision);
            out.put(
                    "summary",
                    "The change does not meet the Definition of Done: "
                            + rules.violations().size() + " rule(s) broken; no model review was made.");
            if (rules.needsHuman()) {
                out.put(
                        "reason",
                        "policy: "
                                + rules.violations().stream()
                                        .filter(Violation::needsHuman)
                                        .map(Violation::detail)
                                        .findFirst()
                                        .orElse(""));
            }
            return tokens(out, 0, 0, List.of(), 0);
        }
        if (model == null || !policy.modelReview()) {
            unchanged(out, in.earlier());
            out.put("decision", APPROVE);
            out.put("summary", "The change meets the Definition of Done; no model review is configured.");
            return tokens(out, 0, 0, List.of(), 0);
        }
        ModelReview.Outcome outcome;
        try {
            outcome = model.review(in.issueTitle(), in.issueBody(), qaSummary(in.qa()), in.diff(), change, workspace);
        } catch (ModelCallException e) {
            if (!e.budgetExceeded() && !"replay_miss".equals(e.type())) {
                throw e; // the gateway or the model is down: the step is tried again
            }
            unchanged(out, in.earlier());
            out.put("decision", e.budgetExceeded() ? BLOCKED_BUDGET : NEEDS_HUMAN);
            out.put("reason", "model: " + e.getMessage());
            return tokens(out, 0, 0, List.of(), 0);
        }
        if (outcome.malformed() != null) {
            unchanged(out, in.earlier());
            out.put("decision", NEEDS_HUMAN);
            out.put("reason", outcome.malformed());
            return tokens(
                    out,
                    outcome.promptTokens(),
                    outcome.completionTokens(),
                    outcome.callIds(),
                    outcome.repeatedCalls());
        }
        List<Finding> raised = checked(outcome.findings());
        FindingHistory.Merged merged =
                FindingHistory.merge(in.earlier(), raised, in.iteration(), policy.blockingSeverities());
        List<Finding> blocking = merged.open().stream()
                .filter(f -> policy.blockingSeverities().contains(f.severity()))
                .toList();
        blocking.forEach(f -> reasons.add(f.describe()));
        out.put("decision", blocking.isEmpty() ? APPROVE : CHANGES_REQUESTED);
        out.put("summary", outcome.summary());
        findings(out, merged, blocking, in.iteration());
        return tokens(
                out, outcome.promptTokens(), outcome.completionTokens(), outcome.callIds(), outcome.repeatedCalls());
    }

    /**
     * A suggestion that would break the file, or the build, is withheld with the reason; the finding
     * stays. Java suggestions that parse are compiled with the change where its build allows.
     */
    private List<Finding> checked(List<Finding> findings) throws IOException {
        List<Finding> raised = new ArrayList<>();
        List<Integer> toBuild = new ArrayList<>();
        for (Finding f : findings) {
            if (f.suggestion() == null) {
                raised.add(f);
                continue;
            }
            String note = suggestions.check(f);
            if (note == null && builds != null && f.file().endsWith(".java")) {
                toBuild.add(raised.size());
            }
            raised.add(f.withSuggestion(withheld(note) ? null : f.suggestion(), note));
        }
        if (!toBuild.isEmpty()) {
            List<String> notes = builds.check(toBuild.stream().map(raised::get).toList());
            for (int i = 0; i < toBuild.size(); i++) {
                Finding f = raised.get(toBuild.get(i));
                String note = notes.get(i);
                raised.set(toBuild.get(i), f.withSuggestion(withheld(note) ? null : f.suggestion(), note));
            }
        }
        return raised;
    }

    private static boolean withheld(String note) {
        return note != null && note.startsWith("withheld");
    }

    private static void policy(ObjectNode out, PolicyCheck.Result rules) {
        ObjectNode policy = out.putObject("policy");
        ArrayNode violations = policy.putArray("violations");
        rules.violations()
                .forEach(v -> violations
                        .addObject()
                        .put("rule", v.rule())
                        .put("detail", v.detail())
                        .put("needsHuman", v.needsHuman()));
        ArrayNode notChecked = policy.putArray("notChecked");
        rules.notChecked().forEach(notChecked::add);
    }

    /** No model review this time: the earlier findings stand as they were. */
    private static void unchanged(ObjectNode out, List<Finding> earlier) {
        out.set(
                "findings",
                EnvelopeCodec.mapper()
                        .valueToTree(
                                earlier.stream().filter(f -> f.status().open()).toList()));
        out.putArray("blocking");
        out.putArray("resolved");
        out.putArray("dropped");
        out.set("history", EnvelopeCodec.mapper().valueToTree(cap(earlier)));
    }

    private static void findings(ObjectNode out, FindingHistory.Merged merged, List<Finding> blocking, int iteration) {
        out.set("findings", EnvelopeCodec.mapper().valueToTree(merged.open()));
        ArrayNode blockingIds = out.putArray("blocking");
        blocking.forEach(f -> blockingIds.add(f.fingerprint()));
        ArrayNode resolved = out.putArray("resolved");
        ArrayNode dropped = out.putArray("dropped");
        for (Finding f : merged.history()) {
            if (f.closedIn() == iteration && f.status() == Finding.Status.RESOLVED) {
                resolved.add(f.fingerprint());
            } else if (f.closedIn() == iteration && f.status() == Finding.Status.DROPPED) {
                dropped.add(f.fingerprint());
            }
        }
        out.set("history", EnvelopeCodec.mapper().valueToTree(cap(merged.history())));
    }

    private static List<Finding> cap(List<Finding> history) {
        return history.size() <= MAX_HISTORY ? history : history.subList(history.size() - MAX_HISTORY, history.size());
    }

    private static ObjectNode tokens(ObjectNode out, long prompt, long completion, List<String> calls, int repeated) {
        out.putObject("tokenUsage").put("promptTokens", prompt).put("completionTokens", completion);
        ArrayNode ids = out.putArray("modelCalls");
        calls.forEach(ids::add);
        out.put("repeatedCalls", repeated);
        return out;
    }

    /** QA's figures for the model: verdict, FAIL_TO_PASS, coverage, findings. */
    static String qaSummary(JsonNode qa) {
        StringBuilder s = new StringBuilder();
        s.append("verdict: ").append(qa.path("verdict").asString("?")).append('\n');
        s.append("tests that fail before the change and pass after it: ");
        List<String> f2p = new ArrayList<>();
        qa.path("tdd").path("failToPass").forEach(t -> f2p.add(t.asString("")));
        s.append(f2p.isEmpty() ? "none" : String.join(", ", f2p.subList(0, Math.min(20, f2p.size()))))
                .append('\n');
        JsonNode coverage = qa.path("coverage");
        if (coverage.isObject()) {
            s.append(String.format(
                    Locale.ROOT,
                    "changed lines covered: %.0f%% (%d of %d)%n",
                    coverage.path("changedLines").asDouble() * 100,
                    coverage.path("changedLinesCovered").asInt(),
                    coverage.path("changedLinesExecutable").asInt()));
        }
        s.append("analyser findings on added lines: ")
                .append(qa.path("findings").size())
                .append('\n');
        // Tests of the base that no longer run under their name and QA let through: the reviewer
        // judges whether a rename, a move or an allowed removal is what the issue asked for.
        List<String> gone = new ArrayList<>();
        qa.path("tdd").path("removed").forEach(r -> {
            if (r.path("successor").isString()) {
                gone.add(r.path("id").asString("") + " runs as "
                        + r.path("successor").asString(""));
            } else if (r.path("allowed").asBoolean(false)) {
                gone.add(r.path("id").asString("") + " "
                        + r.path("kind").asString("").toLowerCase(Locale.ROOT) + " (allowed by the base's .fleet.yml)");
            }
        });
        if (!gone.isEmpty()) {
            s.append("tests of the base renamed, moved or removed: ")
                    .append(String.join("; ", gone.subList(0, Math.min(20, gone.size()))))
                    .append('\n');
        }
        return s.toString();
    }
}
