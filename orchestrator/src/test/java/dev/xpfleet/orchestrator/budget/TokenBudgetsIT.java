package dev.xpfleet.orchestrator.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.testing.FleetServices;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The ledger on its own: all three scopes move together, and a dead replica's reservation is closed. */
@SpringBootTest(properties = {"fleet.budget.repository-daily-tokens=1000", "fleet.budget.reservation-timeout=0s"})
@FleetServices(database = true)
class TokenBudgetsIT {

    @Autowired
    TokenBudgets budgets;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theRepositoryBudgetIsSharedByItsTasksAndNamedWhenItRunsOut() {
        String repo = "acme/shared-" + UUID.randomUUID();
        long first = budgets.reserve(spec(UUID.randomUUID(), repo, 600));
        budgets.settle(first, new TokenBudgets.Usage(400, 100, 5, "answered", false, null));

        assertThatThrownBy(() -> budgets.reserve(spec(UUID.randomUUID(), repo, 600)))
                .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
                    assertThat(e.scope()).isEqualTo(BudgetScope.REPOSITORY_DAY);
                    assertThat(e.used()).isEqualTo(500);
                    assertThat(e.limit()).isEqualTo(1000);
                });
        UUID third = UUID.randomUUID();
        long fits = budgets.reserve(spec(third, repo, 500));

        assertThat(budgets.forTask(third).reserved()).isEqualTo(500);
        assertThat(budgets.release(fits, "upstream failed")).isTrue();
        assertThat(budgets.release(fits, "again"))
                .as("closing twice does nothing")
                .isFalse();
        assertThat(budgets.current(third, repo))
                .filteredOn(b -> b.scope() == BudgetScope.REPOSITORY_DAY)
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.used()).isEqualTo(500);
                    assertThat(b.reserved()).isZero();
                });
    }

    @Test
    void aReservationLeftOpenIsClosedAtItsFullAmount() {
        UUID task = UUID.randomUUID();
        long call = budgets.reserve(spec(task, "acme/expiry-" + UUID.randomUUID(), 300));

        assertThat(budgets.expireStale()).isGreaterThanOrEqualTo(1);

        assertThat(budgets.forTask(task).used()).isEqualTo(300);
        assertThat(budgets.forTask(task).reserved()).isZero();
        assertThat(jdbc.sql("SELECT status FROM model_calls WHERE id = :id")
                        .param("id", call)
                        .query(String.class)
                        .single())
                .isEqualTo("EXPIRED");
        assertThat(budgets.settle(call, new TokenBudgets.Usage(1, 1, 1, "late", false, null)))
                .as("a late answer does not count twice")
                .isFalse();
    }

    @Test
    void aRefactoringsCallsCountAgainstItsRepositorysWeekAndOtherTasksDoNot() {
        String repo = "acme/refactor-week-" + UUID.randomUUID();
        UUID refactoring = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        UUID scan = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO tasks (id, repository, issue_number, title, state, mode, max_iters, created_by)
                        VALUES (:id, :r, 7, 'Refactor A.java', 'DEVELOPING', 'LINEAR', 3, 'refactor')
                        """).param("id", refactoring).param("r", repo).update();
        jdbc.sql("INSERT INTO refactor_runs (id, trigger, dry_run, requested_by) VALUES (:id, 'MANUAL', false, 't')")
                .param("id", run)
                .update();
        jdbc.sql("INSERT INTO refactor_scans (id, run_id, repository, state) VALUES (:id, :run, :r, 'DONE')")
                .param("id", scan)
                .param("run", run)
                .param("r", repo)
                .update();
        jdbc.sql("""
                        INSERT INTO refactor_items (id, scan_id, repository, fingerprint, title, body, debt_minutes,
                                                    weekly_tokens, state, issue_number, task_id)
                        VALUES (:id, :scan, :r, 'fp', 't', 'b', 10, 300, 'OPENED', 7, :task)
                        """)
                .param("id", UUID.randomUUID())
                .param("scan", scan)
                .param("r", repo)
                .param("task", refactoring)
                .update();

        long first = budgets.reserve(spec(refactoring, repo, 200));
        budgets.settle(first, new TokenBudgets.Usage(150, 50, 5, "answered", false, null));
        assertThatThrownBy(() -> budgets.reserve(spec(refactoring, repo, 200)))
                .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
                    assertThat(e.scope()).isEqualTo(BudgetScope.REFACTOR_WEEK);
                    assertThat(e.used()).isEqualTo(200);
                    assertThat(e.limit()).isEqualTo(300);
                });
        assertThat(budgets.current(refactoring, repo))
                .extracting(TokenBudgets.Budget::scope)
                .containsExactly(
                        BudgetScope.TASK,
                        BudgetScope.REFACTOR_WEEK,
                        BudgetScope.REPOSITORY_DAY,
                        BudgetScope.GLOBAL_MONTH);

        // Another task of the repository: the refactoring week is not its budget.
        UUID other = UUID.randomUUID();
        long call = budgets.reserve(spec(other, repo, 250));
        budgets.settle(call, new TokenBudgets.Usage(200, 50, 5, "answered", false, null));
        assertThat(budgets.current(refactoring, repo))
                .filteredOn(b -> b.scope() == BudgetScope.REFACTOR_WEEK)
                .singleElement()
                .satisfies(b -> assertThat(b.used()).isEqualTo(200));
        assertThat(budgets.current(other, repo))
                .extracting(TokenBudgets.Budget::scope)
                .doesNotContain(BudgetScope.REFACTOR_WEEK);
    }

    private static TokenBudgets.CallSpec spec(UUID task, String repo, long tokens) {
        return new TokenBudgets.CallSpec(task, "dev", repo, "mock", "m", tokens);
    }
}
