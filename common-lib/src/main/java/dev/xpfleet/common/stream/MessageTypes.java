package dev.xpfleet.common.stream;

/** Envelope types the orchestrator sends; agents register handlers for them. */
public final class MessageTypes {

    /** Dev agent: write the change for a task, test first. Payload: the issue (untrusted text). */
    public static final String DEV_IMPLEMENT = "dev.implement";

    /** Pair coordinator: run a driver/navigator session for a task. Payload: the issue. */
    public static final String PAIR_START = "pair.start";

    /**
     * Pair coordinator: a turn of a pair session ended (the driver's proposal, QA's or the
     * reviewer's navigation); the coordinator answers with what comes next. Payload: the issue, the
     * turn's step and output, and the iteration before's navigation.
     */
    public static final String PAIR_TURN = "pair.turn";

    /** QA agent: build, test, lint, analyse and prove TDD for an iteration's snapshot. */
    public static final String QA_VERIFY = "qa.verify";

    /** Review agent: check the Definition of Done and review the iteration's diff. */
    public static final String REVIEW_DIFF = "review.diff";

    /**
     * Refactor agent: find a repository's technical debt (SonarQube, or the built-in analysis) and
     * answer it ranked and grouped. The envelope's task id is the scan's id, not a task's. Payload:
     * the run, the repository, dry run or not, and the fleet's limits.
     */
    public static final String REFACTOR_SCAN = "refactor.scan";

    private MessageTypes() {}
}
