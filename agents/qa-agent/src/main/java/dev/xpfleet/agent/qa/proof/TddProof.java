package dev.xpfleet.agent.qa.proof;

import dev.xpfleet.common.testreport.TestReports.Outcome;
import dev.xpfleet.common.testreport.TestReports.TestCase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SWE-bench's grading applied to a change, from three runs of the suite: on the base commit (A), on
 * the base commit with only the change's test files (B), and on the changed tree (C).
 *
 * <ul>
 *   <li>FAIL_TO_PASS: passes in C, and failed in B, or was absent from B while not passing in A
 *       (B did not compile: the new test needs the new code). At least one is the proof.
 *   <li>PASS_TO_PASS: passes in A and in C.
 *   <li>regressions: passed in A, fails in C. New failures: fails in C, never passed in A and was
 *       not failing there already. Either fails QA.
 *   <li>already passing: tests the change added that pass in B, without the production change.
 * </ul>
 *
 * @param failToPass test ids
 * @param passToPass how many tests kept passing
 * @param regressions tests that passed on the base and fail with the change, with the failure
 * @param newFailures tests not on the base (or not run there) that fail with the change
 * @param alreadyPassing new tests that pass without the production change
 * @param failingOnBase tests that failed on the base already and still fail (not held against it)
 * @param missing tests that passed on the base and did not run (or were skipped) with the change
 * @param removed what became of each missing test: renamed or moved (with its successor), or
 *     removed, skipped or not run (with the place in the change that did it); empty until {@link
 *     #withRemoved} is given the diff's account
 */
public record TddProof(
        List<String> failToPass,
        int passToPass,
        List<TestCase> regressions,
        List<TestCase> newFailures,
        List<String> alreadyPassing,
        List<String> failingOnBase,
        List<String> missing,
        List<TestRemovals.Removal> removed) {

    public static TddProof of(List<TestCase> base, List<TestCase> testsOnly, List<TestCase> changed) {
        Map<String, Outcome> a = outcomes(base);
        Map<String, Outcome> b = outcomes(testsOnly);
        List<String> failToPass = new ArrayList<>();
        int passToPass = 0;
        List<TestCase> regressions = new ArrayList<>();
        List<TestCase> newFailures = new ArrayList<>();
        List<String> failingOnBase = new ArrayList<>();
        for (TestCase c : changed) {
            Outcome inA = a.get(c.id());
            Outcome inB = b.get(c.id());
            if (c.outcome() == Outcome.PASSED) {
                if (inA == Outcome.PASSED) {
                    passToPass++;
                }
                if (failed(inB) || (inB == null && inA != Outcome.PASSED)) {
                    failToPass.add(c.id());
                }
            } else if (failed(c.outcome())) {
                if (inA == Outcome.PASSED) {
                    regressions.add(c);
                } else if (failed(inA)) {
                    failingOnBase.add(c.id());
                } else {
                    newFailures.add(c);
                }
            }
        }
        List<String> alreadyPassing = new ArrayList<>();
        for (TestCase t : testsOnly) {
            if (t.outcome() == Outcome.PASSED && !a.containsKey(t.id())) {
                alreadyPassing.add(t.id());
            }
        }
        Map<String, Outcome> c = outcomes(changed);
        List<String> missing = new ArrayList<>();
        a.forEach((id, outcome) -> {
            Outcome now = c.get(id);
            if (outcome == Outcome.PASSED && (now == null || now == Outcome.SKIPPED)) {
                missing.add(id);
            }
        });
        return new TddProof(
                List.copyOf(failToPass),
                passToPass,
                List.copyOf(regressions),
                List.copyOf(newFailures),
                List.copyOf(alreadyPassing),
                List.copyOf(failingOnBase),
                List.copyOf(missing),
                List.of());
    }

    /**
     * This proof with the diff's account of its missing tests. A renamed or moved test is the test
     * that passed on the base: its new id proves nothing (it is not FAIL_TO_PASS, nor a new test
     * that already passes) and, passing now, it is PASS_TO_PASS.
     *
     * @param changed the changed run's outcomes
     */
    public TddProof withRemoved(List<TestRemovals.Removal> removals, Map<String, Outcome> changed) {
        java.util.Set<String> successors = new java.util.HashSet<>();
        for (TestRemovals.Removal r : removals) {
            if (r.successor() != null) {
                successors.add(r.successor());
            }
        }
        int kept = passToPass
                + (int) successors.stream()
                        .filter(id -> changed.get(id) == Outcome.PASSED)
                        .count();
        return new TddProof(
                failToPass.stream().filter(id -> !successors.contains(id)).toList(),
                kept,
                regressions,
                newFailures,
                alreadyPassing.stream().filter(id -> !successors.contains(id)).toList(),
                failingOnBase,
                missing,
                List.copyOf(removals));
    }

    /** Every test's outcome on one run, by id (a test reported twice counts by its worst). */
    public static Map<String, Outcome> outcomesOf(List<TestCase> cases) {
        return outcomes(cases);
    }

    private static boolean failed(Outcome outcome) {
        return outcome == Outcome.FAILED || outcome == Outcome.ERROR;
    }

    private static Map<String, Outcome> outcomes(List<TestCase> cases) {
        Map<String, Outcome> map = new LinkedHashMap<>();
        for (TestCase c : cases) {
            // A test reported twice (re-runs, parameterised names) counts by its worst outcome.
            map.merge(c.id(), c.outcome(), (x, y) -> failed(x) ? x : y);
        }
        return map;
    }
}
