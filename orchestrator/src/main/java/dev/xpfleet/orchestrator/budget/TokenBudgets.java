package dev.xpfleet.orchestrator.budget;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The ledger. Every change is one short transaction that locks the rows of a call's scopes
 * in {@link BudgetScope#lockOrder()}, so concurrent calls on any number of replicas serialize per
 * row and never deadlock.
 */
@Repository
public class TokenBudgets {

    private final JdbcClient jdbc;
    private final BudgetProperties props;

    public TokenBudgets(JdbcClient jdbc, BudgetProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    /**
     * What a call is, for its reservation.
     *
     * @param idempotencyKey the caller's name for this call (task, iteration, turn), or null
     */
    public record CallSpec(
            UUID taskId,
            String role,
            String repository,
            String provider,
            String model,
            long tokens,
            String idempotencyKey) {

        public CallSpec(UUID taskId, String role, String repository, String provider, String model, long tokens) {
            this(taskId, role, repository, provider, model, tokens, null);
        }
    }

    /** A call that holds an idempotency key: in flight ({@code RESERVED}) or answered ({@code SETTLED}). */
    public record KeyedCall(long id, String status, String archiveKey, boolean replayed) {

        public boolean answered() {
            return "SETTLED".equals(status);
        }
    }

    /** The live or answered call of a task and role that holds {@code idempotencyKey}, if any. */
    public Optional<KeyedCall> keyedCall(UUID taskId, String role, String idempotencyKey) {
        return jdbc.sql("""
                        SELECT id, status, archive_key, replayed FROM model_calls
                         WHERE task_id = :task AND role = :role AND idempotency_key = :key
                           AND status IN ('RESERVED', 'SETTLED')
                        """)
                .param("task", taskId)
                .param("role", role)
                .param("key", idempotencyKey)
                .query((rs, n) -> new KeyedCall(
                        rs.getLong("id"),
                        rs.getString("status"),
                        rs.getString("archive_key"),
                        rs.getBoolean("replayed")))
                .optional();
    }

    /**
     * Reserves {@code spec.tokens()} on all the call's budgets (three, four for a refactoring), or none.
     *
     * @return the id of the reservation (the model call's row)
     * @throws BudgetExceededException naming the first budget it does not fit
     */
    @Transactional
    public long reserve(CallSpec spec) {
        Instant now = Instant.now();
        Optional<Long> weekly = refactoringWeek(spec.taskId());
        String week = null;
        for (BudgetScope scope : BudgetScope.lockOrder(weekly.isPresent())) {
            String key = scope.key(spec.taskId(), spec.repository(), now);
            if (scope == BudgetScope.REFACTOR_WEEK) {
                week = key;
                weeklyRow(key, weekly.get());
            } else {
                ensureRow(scope, key);
            }
            int fitted = jdbc.sql("""
                            UPDATE token_budgets
                               SET reserved_tokens = reserved_tokens + :n, updated_at = now()
                             WHERE scope = :scope AND scope_key = :key
                               AND used_tokens + reserved_tokens + :n <= limit_tokens
                            """)
                    .param("n", spec.tokens())
                    .param("scope", scope.name())
                    .param("key", key)
                    .update();
            if (fitted == 0) {
                Budget budget = find(scope, key).orElseThrow();
                // The exception rolls back the reservations already made on earlier scopes.
                throw new BudgetExceededException(
                        scope, key, budget.limit(), budget.used(), budget.reserved(), spec.tokens());
            }
        }
        return jdbc.sql("""
                        INSERT INTO model_calls
                               (task_id, role, repository, provider, model, reserved_tokens, created_at, idempotency_key,
                                refactor_week)
                        VALUES (:task, :role, :repository, :provider, :model, :n, :at, :key, :week)
                        RETURNING id
                        """)
                .param("week", week)
                .param("key", spec.idempotencyKey())
                .param("task", spec.taskId())
                .param("role", spec.role())
                .param("repository", spec.repository())
                .param("provider", spec.provider())
                .param("model", spec.model())
                .param("n", spec.tokens())
                .param("at", OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    /** Lets a call's key go: its answer cannot be given again, so the next ask is a new, paid call. */
    public void forgetKey(long callId) {
        jdbc.sql("UPDATE model_calls SET idempotency_key = NULL WHERE id = :id")
                .param("id", callId)
                .update();
    }

    /** The call answered: the reservation becomes the real usage. False when it was settled already. */
    @Transactional
    public boolean settle(long callId, Usage usage) {
        return close(callId, "SETTLED", usage.total(), usage);
    }

    /** The call failed before using anything: the reservation is given back. */
    @Transactional
    public boolean release(long callId, String outcome) {
        return close(callId, "RELEASED", 0L, new Usage(0, 0, 0, outcome, false, null));
    }

    /**
     * Reservations left open by a replica that died mid-call count in full: the call may have been
     * made and paid for.
     *
     * @return how many were expired
     */
    @Transactional
    public int expireStale() {
        List<Long> stale = jdbc.sql("""
                        SELECT id FROM model_calls
                         WHERE status = 'RESERVED' AND created_at < now() - make_interval(secs => :secs)
                         ORDER BY id LIMIT 100
                        """)
                .param("secs", props.reservationTimeout().toSeconds())
                .query(Long.class)
                .list();
        int expired = 0;
        for (long id : stale) {
            if (close(id, "EXPIRED", null, new Usage(0, 0, 0, "reservation expired", false, null))) {
                expired++;
            }
        }
        return expired;
    }

    /** Sets the task's own budget (an operator raising it so a blocked task can go on). */
    @Transactional
    public Budget setTaskLimit(UUID taskId, long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("a budget cannot be negative");
        }
        jdbc.sql("""
                        INSERT INTO token_budgets (scope, scope_key, limit_tokens) VALUES ('TASK', :key, :limit)
                        ON CONFLICT (scope, scope_key) DO UPDATE SET limit_tokens = :limit, updated_at = now()
                        """).param("key", taskId.toString()).param("limit", tokens).update();
        return find(BudgetScope.TASK, taskId.toString()).orElseThrow();
    }

    /** The task's budget as it stands (the default when no call was made yet). */
    public Budget forTask(UUID taskId) {
        return find(BudgetScope.TASK, taskId.toString())
                .orElse(new Budget(BudgetScope.TASK, taskId.toString(), props.taskTokens(), 0, 0));
    }

    /** All budget rows of the current periods and the task's, for REST. */
    public List<Budget> current(UUID taskId, String repository) {
        Instant now = Instant.now();
        List<Budget> budgets = new ArrayList<>();
        Optional<Long> weekly = refactoringWeek(taskId);
        for (BudgetScope scope : BudgetScope.lockOrder(weekly.isPresent())) {
            String key = scope.key(taskId, repository, now);
            long limit = scope == BudgetScope.REFACTOR_WEEK ? weekly.get() : scope.defaultLimit(props);
            budgets.add(find(scope, key).orElse(new Budget(scope, key, limit, 0, 0)));
        }
        return budgets;
    }

    /**
     * Closes an open reservation with its outcome and moves the tokens: {@code actual} of them,
     * or the whole reservation when {@code actual} is null.
     */
    private boolean close(long callId, String status, Long actual, Usage usage) {
        Optional<OpenCall> call = jdbc.sql("""
                        UPDATE model_calls
                           SET status = :status, prompt_tokens = :prompt, completion_tokens = :completion,
                               outcome = :outcome, replayed = :replayed, latency_ms = :latency,
                               archive_key = :archive, settled_at = now()
                         WHERE id = :id AND status = 'RESERVED'
                         RETURNING task_id, repository, reserved_tokens, created_at, refactor_week
                        """)
                .param("status", status)
                .param("prompt", usage.promptTokens())
                .param("completion", usage.completionTokens())
                .param("outcome", usage.outcome())
                .param("replayed", usage.replayed())
                .param("latency", usage.latencyMillis())
                .param("archive", usage.archiveKey())
                .param("id", callId)
                .query((rs, i) -> new OpenCall(
                        rs.getObject("task_id", UUID.class),
                        rs.getString("repository"),
                        rs.getLong("reserved_tokens"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getString("refactor_week")))
                .optional();
        call.ifPresent(c -> move(c, actual == null ? c.reserved() : actual));
        return call.isPresent();
    }

    /** Takes the call's reservation off the rows it reserved on and adds what it really used. */
    private void move(OpenCall call, long actual) {
        for (BudgetScope scope : BudgetScope.lockOrder(call.refactorWeek() != null)) {
            jdbc.sql("""
                            UPDATE token_budgets
                               SET reserved_tokens = greatest(0, reserved_tokens - :reserved),
                                   used_tokens = used_tokens + :actual, updated_at = now()
                             WHERE scope = :scope AND scope_key = :key
                            """)
                    .param("reserved", call.reserved())
                    .param("actual", actual)
                    .param("scope", scope.name())
                    .param(
                            "key",
                            scope == BudgetScope.REFACTOR_WEEK
                                    ? call.refactorWeek()
                                    : scope.key(call.taskId(), call.repository(), call.createdAt()))
                    .update();
        }
    }

    /**
     * The weekly budget of the task's refactoring (the repository's own, or the fleet's), or empty
     * when the task is no refactoring. Read from {@code refactor_items}, which the refactor feature
     * writes before the task starts.
     */
    private Optional<Long> refactoringWeek(UUID taskId) {
        if (taskId == null) {
            return Optional.empty();
        }
        // The same test as the steps' (TaskRepository.isRefactoring): the task's item, or the item of
        // its issue; the limit is the repository's latest run's, its setting as it stands.
        return jdbc.sql("""
                        SELECT latest.weekly_tokens FROM tasks t
                          JOIN refactor_items i ON i.task_id = t.id
                                                OR (i.repository = t.repository AND i.issue_number = t.issue_number)
                          CROSS JOIN LATERAL (SELECT weekly_tokens FROM refactor_items
                                               WHERE repository = t.repository ORDER BY created_at DESC LIMIT 1) latest
                         WHERE t.id = :task LIMIT 1
                        """).param("task", taskId).query(Long.class).optional();
    }

    /** The week's row, its limit following the repository's setting as it stands. */
    private void weeklyRow(String key, long limit) {
        jdbc.sql("""
                        INSERT INTO token_budgets (scope, scope_key, limit_tokens) VALUES ('REFACTOR_WEEK', :key, :limit)
                        ON CONFLICT (scope, scope_key) DO UPDATE SET limit_tokens = :limit, updated_at = now()
                         WHERE token_budgets.limit_tokens <> :limit
                        """).param("key", key).param("limit", limit).update();
    }

    private void ensureRow(BudgetScope scope, String key) {
        jdbc.sql("""
                        INSERT INTO token_budgets (scope, scope_key, limit_tokens) VALUES (:scope, :key, :limit)
                        ON CONFLICT (scope, scope_key) DO NOTHING
                        """)
                .param("scope", scope.name())
                .param("key", key)
                .param("limit", scope.defaultLimit(props))
                .update();
    }

    private Optional<Budget> find(BudgetScope scope, String key) {
        return jdbc.sql("""
                        SELECT limit_tokens, used_tokens, reserved_tokens FROM token_budgets
                         WHERE scope = :scope AND scope_key = :key
                        """)
                .param("scope", scope.name())
                .param("key", key)
                .query((rs, i) -> new Budget(
                        scope,
                        key,
                        rs.getLong("limit_tokens"),
                        rs.getLong("used_tokens"),
                        rs.getLong("reserved_tokens")))
                .optional();
    }

    /** @param refactorWeek the refactoring week's key the call reserved on, or null */
    private record OpenCall(UUID taskId, String repository, long reserved, Instant createdAt, String refactorWeek) {}

    /** One budget row. */
    public record Budget(BudgetScope scope, String key, long limit, long used, long reserved) {}

    /**
     * What a call really used, and how it ended.
     *
     * @param archiveKey where the exchange is archived, or null
     */
    public record Usage(
            long promptTokens,
            long completionTokens,
            long latencyMillis,
            String outcome,
            boolean replayed,
            String archiveKey) {

        long total() {
            return promptTokens + completionTokens;
        }
    }
}
