package dev.xpfleet.orchestrator.budget;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The budgets a model call counts against, in the order their rows are always locked: every call
 * its task's, its repository's day and the fleet's month; a refactoring task's calls also its
 * repository's refactoring week.
 */
public enum BudgetScope {
    TASK,
    REFACTOR_WEEK,
    REPOSITORY_DAY,
    GLOBAL_MONTH;

    /** The row of this scope for a call of this task and repository made at this instant (UTC periods). */
    String key(UUID task, String repository, Instant at) {
        return switch (this) {
            case TASK -> task.toString();
            case REFACTOR_WEEK -> {
                var date = at.atZone(ZoneOffset.UTC).toLocalDate();
                yield repository + "@" + date.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR) + "-W"
                        + String.format(
                                Locale.ROOT, "%02d", date.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            }
            case REPOSITORY_DAY -> repository + "@" + at.atZone(ZoneOffset.UTC).toLocalDate();
            case GLOBAL_MONTH ->
                at.atZone(ZoneOffset.UTC).toLocalDate().toString().substring(0, 7);
        };
    }

    long defaultLimit(BudgetProperties props) {
        return switch (this) {
            case TASK -> props.taskTokens();
            case REFACTOR_WEEK ->
                // Each refactoring carries its repository's weekly budget (fleet.refactor.weekly-tokens
                // or the repository's own): there is no default to fall back on.
                throw new IllegalStateException("the refactoring week's limit comes with the refactoring");
            case REPOSITORY_DAY -> props.repositoryDailyTokens();
            case GLOBAL_MONTH -> props.globalMonthlyTokens();
        };
    }

    /** Lower-case name used in errors and metrics, e.g. {@code repository_day}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static List<BudgetScope> lockOrder() {
        return lockOrder(false);
    }

    /** @param refactoring the call is a refactoring task's: its repository's week counts too */
    static List<BudgetScope> lockOrder(boolean refactoring) {
        return refactoring
                ? List.of(TASK, REFACTOR_WEEK, REPOSITORY_DAY, GLOBAL_MONTH)
                : List.of(TASK, REPOSITORY_DAY, GLOBAL_MONTH);
    }
}
