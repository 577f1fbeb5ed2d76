package dev.xpfleet.orchestrator.task;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What is needed to record a task.
 *
 * @param issueNumber the issue it works on, or null for a task created over REST
 * @param createdBy who asked (GitHub login or API token name)
 */
public record NewTask(
        String repository,
        Integer issueNumber,
        String title,
        String body,
        TaskMode mode,
        int maxIters,
        String createdBy) {

    /** Iterations a task gets when its creator names none (the seed's max_iters). */
    public static final int DEFAULT_MAX_ITERS = 3;

    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9_.-]{1,100}");

    public NewTask {
        Objects.requireNonNull(mode, "mode");
        // GitHub's shapes: owner of letters, digits and '-', name of letters, digits, '_', '.', '-'.
        if (repository == null
                || !REPOSITORY.matcher(repository).matches()
                || repository.endsWith("/.")
                || repository.endsWith("/..")) {
            throw new IllegalArgumentException("repository must look like owner/name, not '" + repository + "'");
        }
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("title must not be blank");
        }
        if (maxIters < 1 || maxIters > 50) {
            throw new IllegalArgumentException("max_iters must be between 1 and 50, not " + maxIters);
        }
        if (createdBy == null || createdBy.isBlank()) {
            throw new IllegalArgumentException("created_by must not be blank");
        }
        body = body == null ? "" : body;
    }
}
