package dev.xpfleet.agent.dev.implement;

import dev.xpfleet.agent.dev.loop.LoopOutcome;
import dev.xpfleet.agent.dev.loop.TestRun;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.workspace.Workspace;
import tools.jackson.databind.node.ObjectNode;

/** The developer's result, as the orchestrator stores it and QA reads it. */
final class DevOutput {

    static final int MAX_IDS = 200;

    private DevOutput() {}

    static ObjectNode of(String repository, Workspace workspace, LoopOutcome outcome) {
        ObjectNode out = base(repository, workspace, outcome.status().name(), outcome.reason());
        out.put("turns", outcome.turns());
        if (outcome.summary() != null) {
            // The model's words: data for the pull request's readers, quoted there.
            out.put("summary", outcome.summary());
        }
        // tokenUsage and tests land in agent_logs (token_usage, tests_result) as every agent's do.
        out.putObject("tokenUsage")
                .put("promptTokens", outcome.promptTokens())
                .put("completionTokens", outcome.completionTokens());
        ObjectNode tests = out.putObject("tests").put("runs", outcome.runs().size());
        var redFailing = tests.putArray("failedInRed");
        if (outcome.red() != null) {
            outcome.red().failing().stream().limit(MAX_IDS).forEach(redFailing::add);
        }
        out.put("refusals", outcome.refusals());
        out.put("malformed", outcome.malformed());
        out.put("repeatedCalls", outcome.repeatedCalls());
        if (outcome.red() != null) {
            out.set("red", evidence(outcome.red()));
        }
        if (outcome.green() != null) {
            out.set("green", evidence(outcome.green()));
        }
        var runs = out.putArray("testRuns");
        outcome.runs()
                .forEach(r -> runs.addObject()
                        .put("phase", r.phase().name())
                        .put("passed", r.passed())
                        .put("outcome", r.outcome())
                        .put("exitCode", r.exitCode())
                        .put("millis", r.millis()));
        var calls = out.putArray("modelCalls");
        outcome.callIds().forEach(calls::add);
        return out;
    }

    static ObjectNode needsHuman(String repository, Workspace workspace, String reason) {
        return base(repository, workspace, LoopOutcome.Status.NEEDS_HUMAN.name(), reason);
    }

    private static ObjectNode base(String repository, Workspace workspace, String status, String reason) {
        ObjectNode out = EnvelopeCodec.mapper().createObjectNode();
        out.put("status", status);
        if (reason != null) {
            out.put("reason", reason);
        }
        out.put("repository", repository);
        out.put("baseCommit", workspace.baseCommit());
        return out;
    }

    /** A run as evidence: its outcome, the tests that failed and passed (by id), its output's end. */
    private static ObjectNode evidence(TestRun run) {
        ObjectNode evidence = EnvelopeCodec.mapper().createObjectNode();
        var failed = evidence.putArray("failedTests");
        run.failing().stream().limit(MAX_IDS).forEach(failed::add);
        var passed = evidence.putArray("passedTests");
        run.passing().stream().limit(MAX_IDS).forEach(passed::add);
        return evidence.put("passed", run.passed())
                .put("outcome", run.outcome())
                .put("exitCode", run.exitCode())
                .put("millis", run.millis())
                .put("output", run.tail());
    }
}
