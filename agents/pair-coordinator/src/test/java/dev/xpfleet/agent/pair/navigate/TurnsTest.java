package dev.xpfleet.agent.pair.navigate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TurnsTest {

    private static JsonNode json(String text) {
        return EnvelopeCodec.mapper().readTree(text.replace('\'', '"'));
    }

    private static Turns.Decision turn(String payload) {
        return Turns.decide(MessageTypes.PAIR_TURN, json(payload));
    }

    @Test
    void aSessionStartsWithTheDriverAtItsIteration() {
        assertThat(Turns.decide(MessageTypes.PAIR_START, json("{'iteration': 3}")))
                .isEqualTo(new Turns.Decision("drive", 3, "the session starts"));
    }

    @Test
    void aProposalGoesToQaFirstUnlessTheReviewerAloneNavigates() {
        assertThat(turn("{'iteration': 1, 'maxIters': 3, 'step': 'drive', 'navigator': 'both'}")
                        .action())
                .isEqualTo("test");
        assertThat(turn("{'iteration': 1, 'maxIters': 3, 'step': 'drive', 'navigator': 'qa'}")
                        .action())
                .isEqualTo("test");
        assertThat(turn("{'iteration': 1, 'maxIters': 3, 'step': 'drive', 'navigator': 'review'}")
                        .action())
                .isEqualTo("review");
    }

    @Test
    void qaPassedGoesToTheReviewerOrIsAcceptedWhenQaAloneNavigates() {
        String passed = "'output': {'verdict': 'PASSED'}";
        assertThat(turn("{'iteration': 2, 'maxIters': 3, 'step': 'test', 'navigator': 'both', " + passed + "}"))
                .isEqualTo(new Turns.Decision("review", 2, "QA passed"));
        assertThat(turn("{'iteration': 2, 'maxIters': 3, 'step': 'test', 'navigator': 'qa', " + passed + "}")
                        .action())
                .isEqualTo("accept");
    }

    @Test
    void qaFailedDrivesTheNextIterationUntilMaxItersOrTheSameTestsFailAgain() {
        String failed = "'output': {'verdict': 'FAILED', 'failing': ['t::a'], 'reasons': ['t::a fails\\nmore']}";
        assertThat(turn("{'iteration': 1, 'maxIters': 3, 'step': 'test', " + failed + "}"))
                .isEqualTo(new Turns.Decision("drive", 2, "QA: t::a fails"));
        assertThat(turn("{'iteration': 3, 'maxIters': 3, 'step': 'test', " + failed + "}"))
                .satisfies(d -> {
                    assertThat(d.action()).isEqualTo("stop");
                    assertThat(d.reason()).startsWith("max_iters (3) reached");
                });
        assertThat(turn("{'iteration': 2, 'maxIters': 5, 'step': 'test', " + failed
                        + ", 'before': {'test': {'verdict': 'FAILED', 'failing': ['t::a']}}}"))
                .satisfies(d -> {
                    assertThat(d.action()).isEqualTo("stop");
                    assertThat(d.reason()).contains("not converging");
                });
        assertThat(turn("{'iteration': 2, 'maxIters': 5, 'step': 'test', " + failed
                                + ", 'before': {'test': {'verdict': 'FAILED', 'failing': ['t::b']}}}")
                        .action())
                .as("other tests failed before: still converging")
                .isEqualTo("drive");
    }

    @Test
    void theReviewerAcceptsAsksForChangesOrHandsToAPerson() {
        assertThat(turn("{'iteration': 2, 'maxIters': 3, 'step': 'review', 'output': {'decision': 'APPROVE'}}"))
                .isEqualTo(new Turns.Decision("accept", 2, "the reviewer approved"));
        assertThat(turn("{'iteration': 1, 'maxIters': 3, 'step': 'review', "
                        + "'output': {'decision': 'REQUEST_CHANGES', 'blocking': ['f1']}}"))
                .isEqualTo(new Turns.Decision("drive", 2, "review: REQUEST_CHANGES"));
        assertThat(turn("{'iteration': 2, 'maxIters': 3, 'step': 'review', "
                                + "'output': {'decision': 'REQUEST_CHANGES', 'blocking': ['f1']}, "
                                + "'before': {'review': {'decision': 'REQUEST_CHANGES', 'blocking': ['f1']}}}")
                        .reason())
                .contains("not converging");
        assertThat(turn("{'iteration': 1, 'maxIters': 3, 'step': 'review', "
                        + "'output': {'decision': 'NEEDS_HUMAN', 'reason': 'a protected path'}}"))
                .isEqualTo(new Turns.Decision("stop", 1, "review: a protected path"));
    }

    @Test
    void anUnknownStepStops() {
        assertThat(turn("{'iteration': 1, 'step': 'dance'}").action()).isEqualTo("stop");
    }

    @Test
    void pingPongTakesTwoDriverTurnsPerIterationAndSwapsUntilTheTestsAreDone() {
        String common = "'pingPong': true, 'maxIters': 5, 'navigator': 'both', ";
        assertThat(turn("{" + common + "'iteration': 1, 'step': 'drive', "
                        + "'output': {'status': 'DONE', 'pairRole': 'tests'}}"))
                .isEqualTo(new Turns.Decision(
                        "drive", 1, "ping-pong: the other turn makes the new failing test pass", "code"));
        assertThat(turn("{" + common + "'iteration': 1, 'step': 'drive', "
                                + "'output': {'status': 'DONE', 'pairRole': 'code'}}")
                        .action())
                .as("the test made to pass goes to QA")
                .isEqualTo("test");
        assertThat(turn("{" + common + "'iteration': 1, 'step': 'test', 'driver': {'status': 'DONE'}, "
                        + "'output': {'verdict': 'PASSED'}}"))
                .isEqualTo(new Turns.Decision(
                        "drive", 2, "ping-pong: QA passed; roles swap for the next failing test", "tests"));
        assertThat(turn("{" + common + "'iteration': 2, 'step': 'test', 'driver': {'status': 'DONE'}, "
                        + "'output': {'verdict': 'FAILED', 'failing': ['t::x']}}"))
                .satisfies(d -> {
                    assertThat(d.action()).isEqualTo("drive");
                    assertThat(d.iteration()).isEqualTo(3);
                    assertThat(d.pairRole()).as("make it pass again").isEqualTo("code");
                });
        assertThat(turn("{" + common + "'iteration': 3, 'step': 'drive', "
                                + "'output': {'status': 'TESTS_DONE', 'pairRole': 'tests'}}")
                        .action())
                .as("the tests are done: the navigator judges the whole")
                .isEqualTo("test");
        assertThat(turn("{" + common + "'iteration': 3, 'step': 'test', 'driver': {'status': 'TESTS_DONE'}, "
                                + "'output': {'verdict': 'PASSED'}}")
                        .action())
                .isEqualTo("review");
        assertThat(turn("{" + common + "'iteration': 3, 'step': 'review', 'output': {'decision': 'APPROVE'}}")
                        .action())
                .isEqualTo("accept");
        assertThat(turn("{" + common + "'iteration': 3, 'step': 'review', "
                                + "'output': {'decision': 'REQUEST_CHANGES', 'blocking': ['f']}}")
                        .pairRole())
                .as("changes asked for: a test for them first")
                .isEqualTo("tests");
    }
}
