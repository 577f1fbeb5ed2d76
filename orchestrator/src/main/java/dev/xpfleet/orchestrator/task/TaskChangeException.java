package dev.xpfleet.orchestrator.task;

import java.util.UUID;

/** A task change that was refused; the task is unchanged. */
public abstract sealed class TaskChangeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    TaskChangeException(String message) {
        super(message);
    }

    /** The transition is not in the table. */
    public static final class IllegalTransition extends TaskChangeException {
        private static final long serialVersionUID = 1L;

        IllegalTransition(UUID task, TaskState from, TaskState to) {
            super("task %s cannot move from %s to %s (allowed from %s: %s)"
                    .formatted(task, from, to, from, from.next()));
        }
    }

    /** Someone changed the task since the caller read it. */
    public static final class StaleVersion extends TaskChangeException {
        private static final long serialVersionUID = 1L;

        StaleVersion(UUID task, long expected) {
            super("task %s changed since version %d; read it again".formatted(task, expected));
        }
    }

    /** The issue already has an active task. */
    public static final class ActiveTaskExists extends TaskChangeException {
        private static final long serialVersionUID = 1L;

        public ActiveTaskExists(String repository, Integer issue) {
            super("%s#%d already has an active task".formatted(repository, issue));
        }
    }

    /** No task with that id. */
    public static final class NotFound extends TaskChangeException {
        private static final long serialVersionUID = 1L;

        NotFound(UUID task) {
            super("no task " + task);
        }
    }
}
