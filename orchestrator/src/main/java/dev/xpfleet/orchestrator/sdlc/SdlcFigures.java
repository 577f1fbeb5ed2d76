package dev.xpfleet.orchestrator.sdlc;

import dev.xpfleet.orchestrator.gateway.GatewayProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads the delivery figures from the tasks, the gateway's settled calls and the audit trail. A task
 * counts as merged in the window when it entered MERGED in it; its cost is every settled model call
 * of the task, in every iteration and role. Verdicts count QA's PASSED and FAILED (a budget stop or
 * an error is neither) and the review's APPROVE and CHANGES_REQUESTED.
 */
@Component
public class SdlcFigures {

    private static final String MERGED_IN_WINDOW =
            "t.state = 'MERGED' AND CAST(t.stage_entered_at->>'MERGED' AS timestamptz) >= :since";

    private final JdbcClient jdbc;
    private final GatewayProperties gateway;
    private final Clock clock;

    SdlcFigures(JdbcClient jdbc, GatewayProperties gateway) {
        this.jdbc = jdbc;
        this.gateway = gateway;
        this.clock = Clock.systemUTC();
    }

    private record Merge(String repository, double seconds) {}

    /** How many tasks entered MERGED in the last {@code period}. */
    public long mergedWithin(Duration period) {
        return jdbc.sql("SELECT count(*) FROM tasks t WHERE " + MERGED_IN_WINDOW)
                .param("since", clock.instant().minus(period).atOffset(ZoneOffset.UTC))
                .query(Long.class)
                .single();
    }

    private record Use(String repository, String role, String model, long prompt, long completion) {}

    /** The figures of the last {@code days} days. */
    public SdlcSummary summary(int days) {
        Instant since = clock.instant().minus(Duration.ofDays(days));
        OffsetDateTime from = since.atOffset(ZoneOffset.UTC);
        List<Merge> merges = jdbc.sql("""
                        SELECT t.repository,
                               EXTRACT(EPOCH FROM CAST(t.stage_entered_at->>'MERGED' AS timestamptz) - t.created_at)
                          FROM tasks t WHERE %s
                        """.formatted(MERGED_IN_WINDOW))
                .param("since", from)
                .query((rs, n) -> new Merge(rs.getString(1), rs.getDouble(2)))
                .list();
        List<Use> uses = jdbc.sql("""
                        SELECT t.repository, c.role, c.model,
                               sum(coalesce(c.prompt_tokens, 0)), sum(coalesce(c.completion_tokens, 0))
                          FROM tasks t JOIN model_calls c ON c.task_id = t.id AND c.status = 'SETTLED'
                         WHERE %s
                         GROUP BY t.repository, c.role, c.model
                        """.formatted(MERGED_IN_WINDOW))
                .param("since", from)
                .query((rs, n) ->
                        new Use(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)))
                .list();
        List<Double> iterations = jdbc.sql("""
                        SELECT min(CAST(a.detail->>'iteration' AS integer))
                          FROM tasks t JOIN audit_trail a ON a.task_id = t.id AND a.action = 'qa.passed'
                         WHERE %s
                         GROUP BY t.id
                        """.formatted(MERGED_IN_WINDOW))
                .param("since", from)
                .query(Double.class)
                .list();
        Map<String, SdlcSummary.Verdicts> sentBack = verdicts(from);

        Map<String, Long> mergedBy = new TreeMap<>();
        merges.forEach(m -> mergedBy.merge(m.repository(), 1L, Long::sum));
        List<SdlcSummary.Repository> byRepository = new ArrayList<>();
        mergedBy.forEach((repository, count) -> {
            List<Use> its =
                    uses.stream().filter(u -> u.repository().equals(repository)).toList();
            byRepository.add(new SdlcSummary.Repository(
                    repository, count, perMerged(tokens(its), count), perMerged(cost(its), count)));
        });
        Map<String, Double> byRole = new TreeMap<>();
        Map<String, Long> roleTokens = new HashMap<>();
        uses.forEach(u -> roleTokens.merge(u.role(), u.prompt() + u.completion(), Long::sum));
        roleTokens.forEach((role, sum) -> byRole.put(role, perMerged((double) sum, merges.size())));
        return new SdlcSummary(
                since,
                days,
                merges.size(),
                perMerged(tokens(uses), merges.size()),
                perMerged(cost(uses), merges.size()),
                byRepository,
                byRole,
                spread(iterations),
                sentBack,
                spread(merges.stream().map(Merge::seconds).toList()));
    }

    private Map<String, SdlcSummary.Verdicts> verdicts(OffsetDateTime from) {
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE action = 'qa.passed'),
                               count(*) FILTER (WHERE action = 'qa.failed' AND detail->>'verdict' = 'FAILED'),
                               count(*) FILTER (WHERE action = 'review.decided' AND detail->>'decision' = 'APPROVE'),
                               count(*) FILTER (WHERE action = 'review.decided'
                                                  AND detail->>'decision' = 'CHANGES_REQUESTED')
                          FROM audit_trail
                         WHERE occurred_at >= :since AND action IN ('qa.passed', 'qa.failed', 'review.decided')
                        """)
                .param("since", from)
                .query((rs, n) -> Map.of(
                        "qa", verdicts(rs.getLong(1), rs.getLong(2)),
                        "review", verdicts(rs.getLong(3), rs.getLong(4))))
                .single();
    }

    private static SdlcSummary.Verdicts verdicts(long passed, long failed) {
        long all = passed + failed;
        return new SdlcSummary.Verdicts(all, failed, all == 0 ? null : (double) failed / all);
    }

    private static Double tokens(List<Use> uses) {
        return (double)
                uses.stream().mapToLong(u -> u.prompt() + u.completion()).sum();
    }

    /** US dollars from the gateway's price table; null when a model used has no price. */
    private Double cost(List<Use> uses) {
        double usd = 0;
        for (Use use : uses) {
            GatewayProperties.Price price = gateway.prices().get(use.model());
            if (price == null) {
                return null;
            }
            usd += (use.prompt() * price.inputPerMillion() + use.completion() * price.outputPerMillion()) / 1_000_000.0;
        }
        return usd;
    }

    private static Double perMerged(Double total, long merged) {
        return total == null || merged == 0 ? null : total / merged;
    }

    /** Count, mean, median and 90th percentile (linear between ranks, as PostgreSQL's percentile_cont). */
    static SdlcSummary.Spread spread(List<Double> values) {
        if (values.isEmpty()) {
            return new SdlcSummary.Spread(0, null, null, null);
        }
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new SdlcSummary.Spread(
                sorted.length,
                Arrays.stream(sorted).average().orElseThrow(),
                percentile(sorted, 0.5),
                percentile(sorted, 0.9));
    }

    private static double percentile(double[] sorted, double p) {
        double rank = p * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
    }
}
