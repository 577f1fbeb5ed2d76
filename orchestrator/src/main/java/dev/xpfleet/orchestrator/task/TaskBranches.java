package dev.xpfleet.orchestrator.task;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The branch names the fleet pushes: {@code agent/<task id>} for a linear task and {@code
 * pair/<task id>/iter<N>} for a pair session. The task id in the name is what ties a pull request
 * back to its task, so a redelivered step finds the branch it pushed before instead of making
 * another.
 */
public final class TaskBranches {

    private static final Pattern NAME =
            Pattern.compile("(?:agent/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
                    + "|pair/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/iter[1-9][0-9]{0,1})");

    private TaskBranches() {}

    /** The branch a task's change is pushed to in its current iteration. */
    public static String of(Task task) {
        return task.mode() == TaskMode.PAIR
                ? "pair/" + task.id() + "/iter" + Math.max(1, task.iteration())
                : "agent/" + task.id();
    }

    /** The task a fleet branch belongs to; empty for any other branch name. */
    public static Optional<UUID> taskOf(String branch) {
        if (branch == null) {
            return Optional.empty();
        }
        Matcher m = NAME.matcher(branch);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(UUID.fromString(m.group(1) != null ? m.group(1) : m.group(2)));
    }
}
