package dev.xpfleet.orchestrator.budget;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** The three budgets a model call counts against, in the order their rows are always locked. */
public enum BudgetScope {
    TASK,
    REPOSITORY_DAY,
    GLOBAL_MONTH;

    /** The row of this scope for a call of this task and repository made at this instant (UTC periods). */
    String key(UUID task, String repository, Instant at) {
        return switch (this) {
            case TASK -> task.toString();
            case REPOSITORY_DAY -> repository + "@" + at.atZone(ZoneOffset.UTC).toLocalDate();
            case GLOBAL_MONTH ->
                at.atZone(ZoneOffset.UTC).toLocalDate().toString().substring(0, 7);
        };
    }

    long defaultLimit(BudgetProperties props) {
        return switch (this) {
            case TASK -> props.taskTokens();
            case REPOSITORY_DAY -> props.repositoryDailyTokens();
            case GLOBAL_MONTH -> props.globalMonthlyTokens();
        };
    }

    /** Lower-case name used in errors and metrics, e.g. {@code repository_day}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static List<BudgetScope> lockOrder() {
        return List.of(TASK, REPOSITORY_DAY, GLOBAL_MONTH);
    }
}
