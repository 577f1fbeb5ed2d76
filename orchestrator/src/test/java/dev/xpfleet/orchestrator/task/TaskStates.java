package dev.xpfleet.orchestrator.task;

/** For tests outside the task package: walks a task through states as the flow would. */
public final class TaskStates {

    private TaskStates() {}

    public static Task walk(TaskRepository tasks, Task task, TaskState... states) {
        Task current = task;
        for (TaskState next : states) {
            current = tasks.transition(current, next);
        }
        return current;
    }

    public static Task created(TaskRepository tasks, NewTask request) {
        return tasks.create(request);
    }
}
