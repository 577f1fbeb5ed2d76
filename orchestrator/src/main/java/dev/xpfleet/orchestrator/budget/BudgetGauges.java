package dev.xpfleet.orchestrator.budget;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code fleet.budget.use.ratio{scope}}: the share of its limit (used plus reserved tokens) of the
 * fullest current budget of each scope: this month's global budget, the fullest repository budget
 * of today, the fullest budget of a task still at work (queued, developing, testing, reviewing,
 * changes requested, pairing: a task done with its work and waiting for its merge spends nothing
 * more). One series per scope, for the "budget near its
 * limit" alert (which task it is, {@code GET /api/tasks/{id}} shows with its budget). Refreshed on
 * a schedule, not per scrape.
 */
@Component
class BudgetGauges {

    private static final Logger log = LoggerFactory.getLogger(BudgetGauges.class);

    private final JdbcClient jdbc;
    private final Map<BudgetScope, AtomicReference<Double>> ratios = new EnumMap<>(BudgetScope.class);

    BudgetGauges(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        for (BudgetScope scope : BudgetScope.values()) {
            AtomicReference<Double> ratio = new AtomicReference<>(0.0);
            ratios.put(scope, ratio);
            Gauge.builder("fleet.budget.use.ratio", ratio, AtomicReference::get)
                    .description("used and reserved tokens over the limit, fullest current budget of the scope")
                    .tag("scope", scope.label())
                    .register(meters);
        }
    }

    @Scheduled(fixedDelayString = "${fleet.metrics.refresh-interval:PT10S}")
    void refresh() {
        Instant now = Instant.now();
        String day = now.atZone(ZoneOffset.UTC).toLocalDate().toString();
        try {
            Map<BudgetScope, Double> fresh = new EnumMap<>(BudgetScope.class);
            jdbc.sql("""
                            SELECT scope,
                                   max(CAST(used_tokens + reserved_tokens AS float8) / greatest(limit_tokens, 1)) AS ratio
                              FROM token_budgets
                             WHERE (scope = 'GLOBAL_MONTH' AND scope_key = :month)
                                OR (scope = 'REPOSITORY_DAY' AND scope_key LIKE :day)
                                OR (scope = 'REFACTOR_WEEK' AND scope_key LIKE :week)
                             GROUP BY scope
                            UNION ALL
                            SELECT 'TASK',
                                   max(CAST(b.used_tokens + b.reserved_tokens AS float8) / greatest(b.limit_tokens, 1))
                              FROM tasks t
                              JOIN token_budgets b ON b.scope = 'TASK' AND b.scope_key = CAST(t.id AS text)
                             WHERE t.state IN ('QUEUED', 'DEVELOPING', 'TESTING', 'REVIEWING', 'CHANGES_REQUESTED',
                                               'PAIRING')
                            """)
                    .param("month", day.substring(0, 7))
                    .param("day", "%@" + day)
                    .param("week", "%" + BudgetScope.REFACTOR_WEEK.key(null, "", now))
                    .query((rs, i) -> fresh.put(BudgetScope.valueOf(rs.getString("scope")), rs.getDouble("ratio")))
                    .list();
            ratios.forEach((scope, ratio) -> ratio.set(fresh.getOrDefault(scope, 0.0)));
        } catch (DataAccessException e) {
            log.warn("Could not read budget use for metrics: {}", e.getMessage());
        }
    }
}
