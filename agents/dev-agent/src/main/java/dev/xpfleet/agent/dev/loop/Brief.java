package dev.xpfleet.agent.dev.loop;

/**
 * What the developer is asked to do. Issue text and feedback are untrusted: written by whoever
 * opened the issue or by another agent's run of repository code. They reach the model inside
 * marked blocks, as data; the rules the developer keeps are in the controller, not in them.
 *
 * @param related code near the issue from the orchestrator's retrieval ("" when none)
 * @param firstIteration true when the tree is the base commit (the suite must pass on it first)
 * @param turn the developer's part in a ping-pong pair session, or {@link PairTurn#SOLO}
 * @param refactoring the task is one of the fleet's refactorings (the orchestrator says so, not
 *     the issue text): behaviour must not change, so red pins it with passing tests first
 */
public record Brief(
        String title,
        String body,
        String feedback,
        String files,
        String related,
        boolean firstIteration,
        PairTurn turn,
        boolean refactoring) {

    public Brief(
            String title,
            String body,
            String feedback,
            String files,
            String related,
            boolean firstIteration,
            PairTurn turn) {
        this(title, body, feedback, files, related, firstIteration, turn, false);
    }

    public Brief(String title, String body, String feedback, String files, String related, boolean firstIteration) {
        this(title, body, feedback, files, related, firstIteration, PairTurn.SOLO);
    }

    public Brief(String title, String body, String feedback, String files, boolean firstIteration) {
        this(title, body, feedback, files, "", firstIteration);
    }
}
