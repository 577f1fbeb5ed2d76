package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.agent.dev.loop.LoopOutcome.Phase;
import dev.xpfleet.agent.dev.loop.LoopOutcome.Status;
import dev.xpfleet.agent.dev.tools.RefusedException;
import dev.xpfleet.common.testreport.TestReports.Outcome;
import dev.xpfleet.common.testreport.TestReports.TestCase;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceException;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The red and green phases and what ends each: the runs of the suite and the judgement of every
 * {@code submit}, in code. A run must not change the repository (a test rewriting itself or the
 * code); red needs tests failing for the missing behaviour; green needs those tests, and every test
 * new since the base run, to run and pass (none skipped), after a production change.
 */
final class Phases {

    private static final Logger log = LoggerFactory.getLogger(Phases.class);

    private final SandboxRuns runs;
    private final ChangeGuard guard;
    private final LoopLimits limits;
    private final Workspace workspace;
    private final Ledger ledger;

    private Phase phase = Phase.RED;
    private int runsThisPhase;
    private TestRun base;
    private TestRun red;
    private boolean firstIteration;
    private PairTurn turn = PairTurn.SOLO;
    private boolean refactoring;
    private String startHash;

    Phases(SandboxRuns runs, ChangeGuard guard, LoopLimits limits, Workspace workspace, Ledger ledger) {
        this.runs = runs;
        this.guard = guard;
        this.limits = limits;
        this.workspace = workspace;
        this.ledger = ledger;
    }

    Phase phase() {
        return phase;
    }

    TestRun red() {
        return red;
    }

    int runsLeft() {
        return limits.testRunsPerPhase() - runsThisPhase;
    }

    /**
     * The suite as the iteration starts; on the base commit it must pass.
     *
     * @return the end of the iteration when it cannot start, else null
     */
    LoopOutcome start(boolean firstIteration, PairTurn turn) throws IOException, WorkspaceException {
        return start(firstIteration, turn, false);
    }

    /**
     * @param refactoring red pins today's behaviour with new passing tests instead of failing ones
     */
    LoopOutcome start(boolean firstIteration, PairTurn turn, boolean refactoring)
            throws IOException, WorkspaceException {
        this.firstIteration = firstIteration;
        this.turn = turn;
        this.refactoring = refactoring && turn == PairTurn.SOLO;
        startHash = workspace.diff().patchHash();
        base = runs.tests(workspace);
        ledger.run(Phase.BASE, base);
        if (firstIteration && !base.passed()) {
            return ledger.end(
                    Status.NEEDS_HUMAN,
                    "the tests do not pass on the base commit, so a failing test" + " would prove nothing ("
                            + base.outcome() + ", exit " + base.exitCode() + "):\n" + base.tail(),
                    null,
                    null);
        }
        return null;
    }

    String runTests() throws RefusedException, IOException, WorkspaceException {
        TestRun run = counted();
        return (run.passed() ? "tests PASS" : "tests FAIL (" + run.outcome() + ", exit " + run.exitCode() + ")") + "\n"
                + run.tail();
    }

    Step submit() throws RefusedException, IOException, WorkspaceException {
        if (turn == PairTurn.TESTS
                && phase == Phase.RED
                && startHash.equals(workspace.diff().patchHash())) {
            // A ping-pong test turn with nothing to add: the issue's tests are done, if they pass.
            if (!base.passed()) {
                throw new RefusedException("the tests FAIL as they are; the tests are done only when the suite"
                        + " passes. Write the next failing test, or give up with the reason");
            }
            return Step.end(ledger.end(Status.TESTS_DONE, null, null, base));
        }
        if (turn == PairTurn.CODE
                && phase == Phase.RED
                && !base.passed()
                && !startHash.equals(workspace.diff().patchHash())) {
            // The failing test is the other turn's: this turn proves it fails as written, then
            // makes it pass; it does not rewrite it.
            throw new RefusedException("a ping-pong code turn confirms the other turn's failing test as it is:"
                    + " put the files back and submit unchanged, then make the test pass");
        }
        guard.checkChange(phase, limits, !base.passed() || (refactoring && !firstIteration));
        if (runsLeft() <= 0) {
            return Step.end(ledger.end(
                    Status.NEEDS_HUMAN,
                    phase == Phase.RED
                            ? "red phase: all " + runsThisPhase + " test runs used and no test proven failing for the"
                                    + " missing behaviour"
                            : "green phase: all " + runsThisPhase + " test runs used and the tests not proven passing",
                    red,
                    null));
        }
        String before = workspace.diff().patchHash();
        TestRun run = counted();
        if (!before.equals(workspace.diff().patchHash())) {
            throw new RefusedException("the test run changed the repository's files: a test must not rewrite"
                    + " itself or the code. Put them back and submit again.");
        }
        return phase == Phase.RED ? red(run) : green(run);
    }

    private Step red(TestRun run) throws RefusedException, IOException, WorkspaceException {
        if (run.passed() && guard.onlyUntestedChanged()) {
            // Only paths the repository exempts from test-first (documentation): done when the
            // suite still passes.
            return Step.end(ledger.end(Status.DONE, null, null, run));
        }
        if (refactoring && (firstIteration || base.passed())) {
            // A refactoring pins behaviour first. A later iteration (QA or the review sent it back)
            // may add pins or none, then fixes the refactoring; one whose suite fails as it starts
            // (a regression QA found) takes that failure as its red evidence, as any iteration.
            return pin(run, firstIteration);
        }
        if (run.passed() && turn != PairTurn.TESTS && !firstIteration && base.passed() && guard.onlyTestsChanged()) {
            // A later iteration asked for more tests of code that works (coverage feedback): the
            // suite is stronger and still passes.
            return Step.end(ledger.end(Status.DONE, null, null, requireNewTestsPass(run, true)));
        }
        if (run.passed()) {
            throw new RefusedException("the tests PASS without any production change: a test that passes already"
                    + " proves nothing. Make a test fail because the behaviour the issue asks for is missing.");
        }
        if (!run.failedCleanly()) {
            throw new RefusedException("the tests did not show a failure of the missing behaviour (" + run.outcome()
                    + ", exit " + run.exitCode() + (run.noTestsRan() ? ", no tests ran" : "") + "):\n" + run.tail());
        }
        red = run;
        if (turn == PairTurn.TESTS) {
            log.info(
                    "Red phase proven: the next failing test is written ({} ms); the other turn makes it pass",
                    run.millis());
            return Step.end(ledger.end(Status.DONE, null, run, null));
        }
        guard.freezeTests();
        phase = Phase.GREEN;
        runsThisPhase = 0;
        log.info("Red phase proven: the new tests fail ({} ms)", run.millis());
        return Step.observe("RED confirmed, the tests fail:\n" + run.tail()
                + "\nYou are now in the GREEN phase: change production code so that every test passes.");
    }

    /**
     * A refactoring's red: new tests that pass on today's code pin its behaviour (a failing one
     * would be a bug the refactoring must not fix, or a wrong test); then the refactor phase, with
     * those tests frozen.
     */
    private Step pin(TestRun run, boolean newTestRequired) throws RefusedException, IOException, WorkspaceException {
        if (!run.passed()) {
            throw new RefusedException("in a refactoring the tests pin today's behaviour, so they must PASS on the"
                    + " code as it is (" + run.outcome() + ", exit " + run.exitCode() + "); a failing test is wrong or"
                    + " shows a bug the refactoring must not change:\n" + run.tail());
        }
        if (!run.reported()) {
            throw new RefusedException("the test run left no report, so no pinning test can be shown to have run");
        }
        red = requireNewTestsPass(run, newTestRequired);
        guard.freezeTests();
        phase = Phase.GREEN;
        runsThisPhase = 0;
        log.info("Pin phase proven: new tests pass on today's code ({} ms)", run.millis());
        return Step.observe("PINNED: the new tests pass on today's code:\n" + run.tail()
                + "\nYou are now in the GREEN (refactor) phase: change production code only; every test must keep"
                + " passing.");
    }

    private Step green(TestRun run) throws RefusedException, IOException, WorkspaceException {
        if (!run.passed()) {
            return Step.observe(
                    "The tests still FAIL (" + run.outcome() + ", exit " + run.exitCode() + "):\n" + run.tail());
        }
        if (!guard.productionChangedSinceRed() && !(refactoring && !firstIteration)) {
            // (A refactoring's later iteration may end with pins alone: QA asked for coverage.)
            throw new RefusedException("no production file changed since the RED phase; the tests must pass because"
                    + " of the change, not by chance");
        }
        List<String> notPassing =
                red.failing().stream().filter(id -> !run.passes(id)).toList();
        if (!notPassing.isEmpty()) {
            throw new RefusedException("tests that failed in RED did not run and pass now: " + notPassing
                    + "; they must pass, not be skipped or left out");
        }
        boolean redNamedTests = red.failing().stream().anyMatch(id -> !id.startsWith("#"));
        // A refactoring's pins were asked for in its pin phase (when they had to be).
        TestRun green = requireNewTestsPass(run, !refactoring && !redNamedTests);
        log.info("Green phase proven: the tests pass ({} ms)", run.millis());
        return Step.end(ledger.end(Status.DONE, null, red, green));
    }

    /**
     * Every test the base run did not have must pass (not be skipped); with {@code atLeastOne}, one
     * such test must exist (red failed before any test ran: a missing symbol).
     */
    private TestRun requireNewTestsPass(TestRun run, boolean atLeastOne) throws RefusedException {
        if (!run.reported()) {
            return run; // a custom command without reports: its exit code is all there is
        }
        Set<String> before = base.cases().stream().map(TestCase::id).collect(Collectors.toSet());
        List<TestCase> added =
                run.cases().stream().filter(c -> !before.contains(c.id())).toList();
        List<String> notPassing = added.stream()
                .filter(c -> c.outcome() != Outcome.PASSED)
                .map(c -> c.id() + " " + c.outcome())
                .toList();
        if (!notPassing.isEmpty()) {
            throw new RefusedException("new tests must run and pass, none skipped: " + notPassing);
        }
        if (atLeastOne && added.isEmpty()) {
            throw new RefusedException("no new test ran and passed; the change needs a test of its own");
        }
        return run;
    }

    private TestRun counted() throws RefusedException, IOException, WorkspaceException {
        if (runsLeft() <= 0) {
            throw new RefusedException("no test runs left in the " + phase + " phase");
        }
        runsThisPhase++;
        TestRun run = runs.tests(workspace);
        ledger.run(phase, run);
        return run;
    }
}
