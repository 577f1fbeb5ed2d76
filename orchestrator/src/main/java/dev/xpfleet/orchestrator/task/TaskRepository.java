package dev.xpfleet.orchestrator.task;

import dev.xpfleet.common.stream.UuidV7;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores tasks. The only way to change a task's state is {@link #transition}, which checks the
 * allowed-transition table and the version the caller read. It joins the caller's transaction.
 */
@Repository
public class TaskRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String INSERT = """
            INSERT INTO tasks (id, repository, issue_number, title, body, state, mode, max_iters, created_by,
                               stage_entered_at)
            VALUES (:id, :repository, :issue, :title, :body, 'RECEIVED', :mode, :maxIters, :createdBy,
                    jsonb_build_object('RECEIVED', now()))
            RETURNING *
            """;

    /**
     * A task recorded as already queued and in its first working state, in one statement: the
     * stage map holds all three stages, the version counts both moves. An issue's active task makes
     * it a no-op (the partial unique index, as a conflict target, is the active-task check).
     */
    private static final String INSERT_STARTED = """
            INSERT INTO tasks (id, repository, issue_number, title, body, state, mode, iteration, version, max_iters,
                               max_iters_explicit, created_by, stage_entered_at)
            VALUES (:id, :repository, :issue, :title, :body, :state, :mode, :iteration, 2, :maxIters,
                    :explicit, :createdBy,
                    jsonb_build_object('RECEIVED', now(), 'QUEUED', now(), CAST(:state AS text), now()))
            ON CONFLICT (repository, issue_number)
               WHERE issue_number IS NOT NULL AND state NOT IN ('MERGED', 'FAILED', 'CANCELLED')
               DO NOTHING
            RETURNING *
            """;

    private static final String TRANSITION = """
            UPDATE tasks
               SET state = :to,
                   version = version + 1,
                   updated_at = now(),
                   iteration = iteration + :iterationStep,
                   stage_entered_at = stage_entered_at || jsonb_build_object(CAST(:to AS text), now())
             WHERE id = :id AND version = :version AND state = :from
            RETURNING *
            """;

    private final JdbcClient jdbc;

    public TaskRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a new task in {@link TaskState#RECEIVED}. */
    Task create(NewTask task) {
        try {
            return jdbc.sql(INSERT)
                    .param("id", UuidV7.next())
                    .param("repository", task.repository())
                    .param("issue", task.issueNumber())
                    .param("title", task.title())
                    .param("body", task.body())
                    .param("mode", task.mode().name())
                    .param("maxIters", task.maxIters())
                    .param("createdBy", task.createdBy())
                    .query(TaskRepository::map)
                    .single();
        } catch (DuplicateKeyException e) {
            throw new TaskChangeException.ActiveTaskExists(task.repository(), task.issueNumber());
        }
    }

    /**
     * Records a new task as received, queued and moved on to {@code first}, as {@link #create} and
     * two {@link #transition}s would, checked against the same table, in one round trip.
     *
     * @param keepMaxIters the creator set max_iters: a repository's {@code max-iters} does not replace it
     * @return the task, or empty when its issue has an active task
     * @throws TaskChangeException.IllegalTransition when the table does not lead from QUEUED to {@code first}
     */
    Optional<Task> createStarted(NewTask task, boolean keepMaxIters, TaskState first) {
        UUID id = UuidV7.next();
        if (!TaskState.RECEIVED.canMoveTo(TaskState.QUEUED)) {
            throw new TaskChangeException.IllegalTransition(id, TaskState.RECEIVED, TaskState.QUEUED);
        }
        if (!TaskState.QUEUED.canMoveTo(first)) {
            throw new TaskChangeException.IllegalTransition(id, TaskState.QUEUED, first);
        }
        return jdbc.sql(INSERT_STARTED)
                .param("id", id)
                .param("repository", task.repository())
                .param("issue", task.issueNumber())
                .param("title", task.title())
                .param("body", task.body())
                .param("state", first.name())
                .param("mode", task.mode().name())
                .param("iteration", first.startsIteration() ? 1 : 0)
                .param("maxIters", task.maxIters())
                .param("explicit", keepMaxIters)
                .param("createdBy", task.createdBy())
                .query(TaskRepository::mapStarted)
                .optional();
    }

    /**
     * Whether a task works on one of the fleet's refactorings: its issue is one a refactoring run
     * opened ({@code refactor_items}, written by the refactor feature before the task starts).
     */
    public boolean isRefactoring(Task task) {
        // The issues the fleet opens carry its refactoring marker: without it, no question is
        // asked of the database (the marker alone proves nothing: anyone can write it).
        return task.issueNumber() != null
                && task.body().contains(REFACTORING_MARKER)
                && Boolean.TRUE.equals(jdbc.sql("""
                                SELECT EXISTS (SELECT 1 FROM refactor_items
                                                WHERE task_id = :id OR (repository = :r AND issue_number = :n))
                                """)
                        .param("id", task.id())
                        .param("r", task.repository())
                        .param("n", task.issueNumber())
                        .query(Boolean.class)
                        .single());
    }

    /** The start of the hidden marker in the body of each issue a refactoring run opened. */
    public static final String REFACTORING_MARKER = "<!-- xp-fleet:refactor:";

    public Optional<Task> find(UUID id) {
        return jdbc.sql("SELECT * FROM tasks WHERE id = :id")
                .param("id", id)
                .query(TaskRepository::map)
                .optional();
    }

    /** The issue's task that is not merged, failed or cancelled, if any. */
    public Optional<Task> findActive(String repository, int issueNumber) {
        return jdbc.sql("""
                        SELECT * FROM tasks
                         WHERE repository = :repository AND issue_number = :issue
                           AND state NOT IN ('MERGED', 'FAILED', 'CANCELLED')
                        """)
                .param("repository", repository)
                .param("issue", issueNumber)
                .query(TaskRepository::map)
                .optional();
    }

    /** The issue's most recent task, whatever its state. */
    public Optional<Task> findLatest(String repository, int issueNumber) {
        return jdbc.sql("""
                        SELECT * FROM tasks WHERE repository = :repository AND issue_number = :issue
                         ORDER BY created_at DESC, id DESC LIMIT 1
                        """)
                .param("repository", repository)
                .param("issue", issueNumber)
                .query(TaskRepository::map)
                .optional();
    }

    /**
     * The repository's {@code max-iters} for a task whose creator set none; the task unchanged when
     * its creator did, or when it is already that.
     */
    Task repositoryMaxIters(Task current, int maxIters) {
        return jdbc.sql("""
                        UPDATE tasks SET max_iters = :max, version = version + 1, updated_at = now()
                         WHERE id = :id AND version = :version AND NOT max_iters_explicit AND max_iters <> :max
                        RETURNING *
                        """)
                .param("max", maxIters)
                .param("id", current.id())
                .param("version", current.version())
                .query(TaskRepository::map)
                .optional()
                .orElse(current);
    }

    /**
     * Moves a task from the state and version the caller read to {@code to}. Entering DEVELOPING
     * or PAIRING counts a new iteration.
     *
     * @throws TaskChangeException.IllegalTransition when the table does not allow it
     * @throws TaskChangeException.StaleVersion when the task changed since {@code current} was read
     */
    Task transition(Task current, TaskState to) {
        if (!current.state().canMoveTo(to)) {
            throw new TaskChangeException.IllegalTransition(current.id(), current.state(), to);
        }
        try {
            return jdbc.sql(TRANSITION)
                    .param("to", to.name())
                    .param("from", current.state().name())
                    .param("id", current.id())
                    .param("version", current.version())
                    .param("iterationStep", to.startsIteration() ? 1 : 0)
                    .query(TaskRepository::map)
                    .optional()
                    .orElseThrow(() -> find(current.id()).isPresent()
                            ? new TaskChangeException.StaleVersion(current.id(), current.version())
                            : new TaskChangeException.NotFound(current.id()));
        } catch (DuplicateKeyException e) {
            throw new TaskChangeException.ActiveTaskExists(current.repository(), current.issueNumber());
        }
    }

    /**
     * A pairing task's session goes on to its next iteration (the state stays PAIRING), from the
     * version the caller read.
     *
     * @throws TaskChangeException.StaleVersion when the task changed since {@code current} was read
     */
    Task nextPairIteration(Task current) {
        return jdbc.sql("""
                        UPDATE tasks SET iteration = iteration + 1, version = version + 1, updated_at = now()
                         WHERE id = :id AND version = :version AND state = 'PAIRING'
                        RETURNING *
                        """)
                .param("id", current.id())
                .param("version", current.version())
                .query(TaskRepository::map)
                .optional()
                .orElseThrow(() -> new TaskChangeException.StaleVersion(current.id(), current.version()));
    }

    private static Task map(ResultSet rs, int row) throws SQLException {
        return map(rs, stages(rs.getString("stage_entered_at")));
    }

    /**
     * A row {@link #INSERT_STARTED} wrote: each of its stages was entered at now(), the
     * transaction's time, which is also its created_at; no need to parse the map back.
     */
    private static Task mapStarted(ResultSet rs, int row) throws SQLException {
        Instant at = rs.getObject("created_at", OffsetDateTime.class).toInstant();
        return map(rs, Map.of("RECEIVED", at, "QUEUED", at, rs.getString("state"), at));
    }

    private static Task map(ResultSet rs, Map<String, Instant> stages) throws SQLException {
        return new Task(
                rs.getObject("id", UUID.class),
                rs.getString("repository"),
                rs.getObject("issue_number", Integer.class),
                rs.getString("title"),
                rs.getString("body"),
                TaskState.valueOf(rs.getString("state")),
                TaskMode.valueOf(rs.getString("mode")),
                rs.getInt("iteration"),
                rs.getInt("max_iters"),
                rs.getLong("version"),
                rs.getString("created_by"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                stages);
    }

    private static Map<String, Instant> stages(String json) {
        Map<String, String> raw = JSON.readValue(json, new TypeReference<Map<String, String>>() {});
        Map<String, Instant> stages = new TreeMap<>();
        raw.forEach((state, at) -> stages.put(state, OffsetDateTime.parse(at).toInstant()));
        return Map.copyOf(stages);
    }
}
