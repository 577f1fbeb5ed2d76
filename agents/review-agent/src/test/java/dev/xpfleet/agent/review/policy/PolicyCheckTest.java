package dev.xpfleet.agent.review.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.stream.EnvelopeCodec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PolicyCheckTest {

    private static final JsonNode PASSED = EnvelopeCodec.mapper().readTree("""
            {"verdict": "PASSED", "tdd": {"failToPass": ["t1"]}}
            """);

    @Test
    void aWorkflowRenamedAwayStillNeedsAPerson() {
        String diff = """
                diff --git a/.github/workflows/ci.yml b/ci.yml
                similarity index 100%
                rename from .github/workflows/ci.yml
                rename to ci.yml
                """;
        PolicyCheck.Result result = PolicyCheck.check(DonePolicy.defaults(), diff, ChangeSet.parse(diff), PASSED);
        assertThat(result.needsHuman()).isTrue();
        assertThat(result.violations().get(0).detail()).contains(".github/workflows/ci.yml");
    }

    @Test
    void withoutCoverageFiguresTheCoverageRulesAreNamedAsNotChecked() {
        String diff = """
                diff --git a/calc.py b/calc.py
                --- a/calc.py
                +++ b/calc.py
                @@ -1 +1,2 @@
                 x = 1
                +y = 2
                """;
        PolicyCheck.Result result = PolicyCheck.check(DonePolicy.defaults(), diff, ChangeSet.parse(diff), PASSED);
        assertThat(result.violations()).isEmpty();
        assertThat(result.notChecked()).hasSize(2).allMatch(n -> n.contains("QA left no coverage figures"));
    }

    @Test
    void aRefactoringIsJudgedByItsPinningTestsNotByFailingOnes() {
        String diff = """
                diff --git a/calc.py b/calc.py
                --- a/calc.py
                +++ b/calc.py
                @@ -1 +1,2 @@
                 x = 1
                +y = 2
                """;
        JsonNode pinned = EnvelopeCodec.mapper().readTree("""
                {"verdict": "PASSED", "tdd": {"failToPass": [], "alreadyPassing": ["tests.test_calc#test_pins"]}}
                """);
        JsonNode behaviourChanged = EnvelopeCodec.mapper().readTree("""
                {"verdict": "PASSED", "tdd": {"failToPass": ["tests.test_calc#test_new"], "alreadyPassing": []}}
                """);

        assertThat(PolicyCheck.check(DonePolicy.defaults(), diff, ChangeSet.parse(diff), pinned, true)
                        .violations())
                .isEmpty();
        assertThat(PolicyCheck.check(DonePolicy.defaults(), diff, ChangeSet.parse(diff), pinned, false)
                        .violations())
                .extracting(Violation::rule)
                .containsExactly("fail-to-pass");
        assertThat(PolicyCheck.check(DonePolicy.defaults(), diff, ChangeSet.parse(diff), behaviourChanged, true)
                        .violations())
                .extracting(Violation::rule)
                .containsExactly("refactoring-keeps-behaviour", "refactoring-pinned");
    }
}
