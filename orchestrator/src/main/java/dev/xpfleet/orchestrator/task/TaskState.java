package dev.xpfleet.orchestrator.task;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Where a task is in Issue -> Code -> Test -> Review -> Merge, with the only moves it may make. */
public enum TaskState {
    RECEIVED,
    QUEUED,
    DEVELOPING,
    TESTING,
    REVIEWING,
    CHANGES_REQUESTED,
    PAIRING,
    APPROVED,
    PR_OPEN,
    MERGED,
    FAILED,
    CANCELLED,
    BLOCKED_BUDGET,
    NEEDS_HUMAN;

    /** The allowed transitions, all in one place. */
    private static final Map<TaskState, Set<TaskState>> ALLOWED = Map.ofEntries(
            Map.entry(RECEIVED, EnumSet.of(QUEUED, FAILED, CANCELLED)),
            Map.entry(QUEUED, EnumSet.of(DEVELOPING, PAIRING, BLOCKED_BUDGET, FAILED, CANCELLED)),
            Map.entry(DEVELOPING, EnumSet.of(TESTING, BLOCKED_BUDGET, NEEDS_HUMAN, FAILED, CANCELLED)),
            // QA failure sends the task back to the developer for the next iteration.
            Map.entry(TESTING, EnumSet.of(REVIEWING, DEVELOPING, BLOCKED_BUDGET, NEEDS_HUMAN, FAILED, CANCELLED)),
            // A review that needs a person (a path only people may approve, an unusable model answer).
            Map.entry(
                    REVIEWING, EnumSet.of(APPROVED, CHANGES_REQUESTED, BLOCKED_BUDGET, NEEDS_HUMAN, FAILED, CANCELLED)),
            Map.entry(CHANGES_REQUESTED, EnumSet.of(DEVELOPING, NEEDS_HUMAN, FAILED, CANCELLED)),
            Map.entry(PAIRING, EnumSet.of(APPROVED, BLOCKED_BUDGET, NEEDS_HUMAN, FAILED, CANCELLED)),
            Map.entry(APPROVED, EnumSet.of(PR_OPEN, FAILED, CANCELLED)),
            // A review asking for changes on the open pull request starts another iteration.
            Map.entry(PR_OPEN, EnumSet.of(MERGED, CHANGES_REQUESTED, FAILED, CANCELLED)),
            Map.entry(MERGED, EnumSet.noneOf(TaskState.class)),
            // Retried by a person (/agent retry or REST).
            Map.entry(FAILED, EnumSet.of(QUEUED)),
            Map.entry(CANCELLED, EnumSet.noneOf(TaskState.class)),
            // Raising the budget and retrying resumes it.
            Map.entry(BLOCKED_BUDGET, EnumSet.of(QUEUED, FAILED, CANCELLED)),
            Map.entry(NEEDS_HUMAN, EnumSet.of(QUEUED, CANCELLED)));

    public boolean canMoveTo(TaskState next) {
        return ALLOWED.get(this).contains(next);
    }

    public Set<TaskState> next() {
        return Set.copyOf(ALLOWED.get(this));
    }

    /** No work happens and none will unless a person retries it. */
    public boolean isTerminal() {
        return this == MERGED || this == FAILED || this == CANCELLED;
    }

    /** Entering this state starts a new iteration of the loop. */
    boolean startsIteration() {
        return this == DEVELOPING || this == PAIRING;
    }
}
