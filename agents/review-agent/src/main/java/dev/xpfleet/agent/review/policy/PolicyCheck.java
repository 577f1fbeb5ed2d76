package dev.xpfleet.agent.review.policy;

import dev.xpfleet.common.change.ChangeSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The Definition of Done checked on a change and its QA report: deterministic, no model, no tokens.
 * What the report does not measure is named in {@link Result#notChecked()}, never taken as passed
 * silently.
 */
public final class PolicyCheck {

    private static final int LISTED = 5;

    private PolicyCheck() {}

    /**
     * @param violations the rules the change breaks
     * @param notChecked rules the QA report gave no figures for, with why
     */
    public record Result(List<Violation> violations, List<String> notChecked) {

        public boolean needsHuman() {
            return violations.stream().anyMatch(Violation::needsHuman);
        }
    }

    /**
     * @param diff the change as a unified diff
     * @param change the same diff, read
     * @param qa the QA report as stored ({@code docs/qa-report.schema.json})
     */
    public static Result check(DonePolicy policy, String diff, ChangeSet change, JsonNode qa) {
        return check(policy, diff, change, qa, false);
    }

    /**
     * @param refactoring the change is one of the fleet's refactorings: instead of tests that fail
     *     before it, new tests must pin today's behaviour (pass before and after), and none may pass
     *     only because of the change
     */
    public static Result check(DonePolicy policy, String diff, ChangeSet change, JsonNode qa, boolean refactoring) {
        List<Violation> violations = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        Globs human = new Globs(policy.humanPaths());
        List<String> needPerson =
                touched(diff, change).stream().filter(human::matches).toList();
        if (!needPerson.isEmpty()) {
            violations.add(new Violation(
                    "human-paths",
                    "the change touches " + listed(needPerson) + ", which always needs a person's review",
                    true));
        }
        if (!"PASSED".equals(qa.path("verdict").asString(""))) {
            violations.add(new Violation(
                    "qa-passed",
                    "QA did not pass the change (" + qa.path("verdict").asString("no verdict") + ")",
                    false));
        }
        if (refactoring) {
            pinned(policy, qa, violations);
        } else {
            failToPass(policy, change, qa, violations);
        }
        findings(policy, qa, violations);
        coverage(policy, qa, violations, notChecked);
        size(policy, diff, change, violations);
        return new Result(List.copyOf(violations), List.copyOf(notChecked));
    }

    private static void failToPass(DonePolicy policy, ChangeSet change, JsonNode qa, List<Violation> violations) {
        Globs untested = new Globs(policy.untestedPaths());
        boolean onlyUntested = !policy.untestedPaths().isEmpty()
                && change.files().stream().allMatch(f -> !f.test() && untested.matches(f.path()));
        int proven = qa.path("tdd").path("failToPass").size();
        if (!onlyUntested && proven < policy.minFailToPass()) {
            violations.add(new Violation(
                    "fail-to-pass",
                    "at least " + policy.minFailToPass()
                            + " test must fail before the change and pass after it; QA found " + proven
                            + ": add a test that shows what the issue asks for",
                    false));
        }
    }

    private static void pinned(DonePolicy policy, JsonNode qa, List<Violation> violations) {
        int pinning = qa.path("tdd").path("alreadyPassing").size();
        int changedBehaviour = qa.path("tdd").path("failToPass").size();
        if (changedBehaviour > 0) {
            violations.add(new Violation(
                    "refactoring-keeps-behaviour",
                    "a refactoring must not change behaviour, and " + changedBehaviour
                            + " test(s) fail before the change and pass after it",
                    false));
        }
        if (pinning < Math.max(1, policy.minFailToPass())) {
            violations.add(new Violation(
                    "refactoring-pinned",
                    "at least " + Math.max(1, policy.minFailToPass())
                            + " new test must pin today's behaviour (pass before the change and after it); QA found "
                            + pinning,
                    false));
        }
    }

    private static void findings(DonePolicy policy, JsonNode qa, List<Violation> violations) {
        JsonNode findings = qa.path("findings");
        if (policy.allowNewFindings() || findings.isEmpty()) {
            return;
        }
        List<String> described = new ArrayList<>();
        for (JsonNode f : findings) {
            described.add(f.path("file").asString("?") + ":" + f.path("line").asInt(0) + " "
                    + f.path("rule").asString("?") + " (" + f.path("tool").asString("?") + ")");
        }
        violations.add(new Violation(
                "new-findings",
                findings.size() + " lint, security or secret finding(s) on added lines: " + listed(described),
                false));
    }

    private static void coverage(DonePolicy policy, JsonNode qa, List<Violation> violations, List<String> notChecked) {
        JsonNode coverage = qa.path("coverage");
        if (!coverage.isObject()) {
            notChecked.add("changed-lines-coverage: QA left no coverage figures");
            notChecked.add("coverage-drop: QA left no coverage figures");
            return;
        }
        int executable = coverage.path("changedLinesExecutable").asInt(0);
        double changed = coverage.path("changedLines").asDouble(1.0);
        if (executable > 0 && changed + 1e-9 < policy.changedLinesCoverage()) {
            List<String> missed = new ArrayList<>();
            coverage.path("missed").properties().forEach(e -> missed.add(e.getKey() + " " + e.getValue()));
            violations.add(new Violation(
                    "changed-lines-coverage",
                    String.format(
                                    Locale.ROOT,
                                    "the tests run %.0f%% of the change's executable added lines, less than %.0f%%",
                                    changed * 100,
                                    policy.changedLinesCoverage() * 100)
                            + (missed.isEmpty() ? "" : "; no test runs " + listed(missed)),
                    false));
        }
        JsonNode total = coverage.path("total");
        JsonNode base = coverage.path("baseTotal");
        if (!total.isNumber() || !base.isNumber()) {
            notChecked.add("coverage-drop: QA measured no total coverage of the base and the change");
            return;
        }
        double drop = (base.asDouble() - total.asDouble()) * 100;
        if (drop > policy.maxCoverageDrop() + 1e-9) {
            violations.add(new Violation(
                    "coverage-drop",
                    String.format(
                            Locale.ROOT,
                            "total coverage falls from %.1f%% to %.1f%%, more than %.1f points",
                            base.asDouble() * 100,
                            total.asDouble() * 100,
                            policy.maxCoverageDrop()),
                    false));
        }
    }

    private static void size(DonePolicy policy, String diff, ChangeSet change, List<Violation> violations) {
        int files = change.files().size();
        long lines = diff.lines()
                .filter(l -> (l.startsWith("+") && !l.startsWith("+++")) || (l.startsWith("-") && !l.startsWith("---")))
                .count();
        if (files > policy.maxFiles()) {
            violations.add(new Violation(
                    "patch-size",
                    "the change touches " + files + " files, more than " + policy.maxFiles() + ": split it",
                    false));
        }
        if (lines > policy.maxLines()) {
            violations.add(new Violation(
                    "patch-size",
                    "the change adds and removes " + lines + " lines, more than " + policy.maxLines() + ": split it",
                    false));
        }
    }

    /**
     * Every path the change touches, before and after: a file renamed or copied away from a path
     * that needs a person still needs one.
     */
    static List<String> touched(String diff, ChangeSet change) {
        java.util.Set<String> paths = new java.util.LinkedHashSet<>();
        change.files().forEach(f -> paths.add(f.path()));
        for (String line : diff.lines().toList()) {
            for (String prefix : List.of("--- a/", "+++ b/", "rename from ", "rename to ", "copy from ", "copy to ")) {
                if (line.startsWith(prefix)) {
                    paths.add(line.substring(prefix.length()).strip());
                }
            }
        }
        return List.copyOf(paths);
    }

    private static String listed(List<String> items) {
        String shown = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
        return items.size() > LISTED ? shown + " and " + (items.size() - LISTED) + " more" : shown;
    }
}
