package dev.xpfleet.orchestrator.task;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A task as stored. {@code body} is untrusted text from the issue.
 *
 * @param stageEnteredAt when the task last entered each state it has been in
 */
public record Task(
        UUID id,
        String repository,
        Integer issueNumber,
        String title,
        String body,
        TaskState state,
        TaskMode mode,
        int iteration,
        int maxIters,
        long version,
        String createdBy,
        Instant createdAt,
        Instant updatedAt,
        Map<String, Instant> stageEnteredAt) {

    /**
     * The same task as seen at an earlier iteration of its pair session: what names that
     * iteration's branch and finds its outputs.
     */
    public Task atIteration(int n) {
        return new Task(
                id,
                repository,
                issueNumber,
                title,
                body,
                state,
                mode,
                n,
                maxIters,
                version,
                createdBy,
                createdAt,
                updatedAt,
                stageEnteredAt);
    }
}
