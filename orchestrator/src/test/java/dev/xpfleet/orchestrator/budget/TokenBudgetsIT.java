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

    private static TokenBudgets.CallSpec spec(UUID task, String repo, long tokens) {
        return new TokenBudgets.CallSpec(task, "dev", repo, "mock", "m", tokens);
    }
}
