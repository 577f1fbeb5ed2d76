package dev.xpfleet.agent.qa.proof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testreport.TestReports.Outcome;
import dev.xpfleet.common.testreport.TestReports.TestCase;
import java.util.List;
import org.junit.jupiter.api.Test;

class TddProofTest {

    static TestCase pass(String id) {
        return new TestCase(id, Outcome.PASSED, "");
    }

    static TestCase fail(String id) {
        return new TestCase(id, Outcome.FAILED, "boom");
    }

    @Test
    void aNewTestThatDidNotCompileOnTheBaseAndPassesIsTheProof() {
        TddProof proof = TddProof.of(List.of(pass("A#old")), List.of(), List.of(pass("A#old"), pass("A#new")));

        assertThat(proof.failToPass()).containsExactly("A#new");
        assertThat(proof.passToPass()).isEqualTo(1);
        assertThat(proof.regressions()).isEmpty();
    }

    @Test
    void aModifiedTestThatFailsOnTheBaseCounts() {
        TddProof proof = TddProof.of(List.of(pass("A#t")), List.of(fail("A#t")), List.of(pass("A#t")));

        assertThat(proof.failToPass()).containsExactly("A#t");
    }

    @Test
    void anOldTestUntouchedWhileTheTestsOnlyRunDidNotCompileIsNoProof() {
        TddProof proof = TddProof.of(List.of(pass("A#old")), List.of(), List.of(pass("A#old")));

        assertThat(proof.failToPass()).isEmpty();
    }

    @Test
    void regressionsNewFailuresAndOldFailuresAreToldApart() {
        TddProof proof = TddProof.of(
                List.of(pass("A#kept"), fail("A#broken-before")),
                List.of(pass("A#kept"), pass("A#already")),
                List.of(fail("A#kept"), fail("A#broken-before"), fail("A#new"), pass("A#already")));

        assertThat(proof.regressions()).extracting(TestCase::id).containsExactly("A#kept");
        assertThat(proof.newFailures()).extracting(TestCase::id).containsExactly("A#new");
        assertThat(proof.failingOnBase()).containsExactly("A#broken-before");
        assertThat(proof.alreadyPassing()).containsExactly("A#already");
        assertThat(proof.failToPass()).isEmpty();
    }
}
