package dev.xpfleet.orchestrator.sdlc;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The delivery figures of the last 30 days as gauges, refreshed every {@code
 * fleet.metrics.sdlc-refresh-interval} (1 min; the same on every replica, read with {@code max()}):
 * {@code fleet_sdlc_merged}, {@code fleet_sdlc_merged_last_day} (the last 24 hours), {@code fleet_sdlc_tokens_per_merged{repository}}, {@code
 * fleet_sdlc_cost_per_merged_usd{repository}}, {@code fleet_sdlc_role_tokens_per_merged{role}},
 * {@code fleet_sdlc_iterations_to_green{stat}}, {@code fleet_sdlc_sent_back_ratio{by}} and {@code
 * fleet_sdlc_issue_to_merge_seconds{stat}} (stat: mean, median, p90). A figure the window has no
 * event for has no series rather than a zero.
 */
@Component
class SdlcGauges {

    static final int WINDOW_DAYS = 30;

    private static final Logger log = LoggerFactory.getLogger(SdlcGauges.class);

    private final SdlcFigures figures;
    private final MultiGauge merged;
    private final MultiGauge mergedLastDay;
    private final MultiGauge tokens;
    private final MultiGauge cost;
    private final MultiGauge roleTokens;
    private final MultiGauge iterations;
    private final MultiGauge sentBack;
    private final MultiGauge issueToMerge;

    SdlcGauges(SdlcFigures figures, MeterRegistry meters) {
        this.figures = figures;
        merged = gauge(meters, "fleet.sdlc.merged", "pull requests merged in the last 30 days", null);
        mergedLastDay = gauge(meters, "fleet.sdlc.merged.last.day", "pull requests merged in the last 24 hours", null);
        tokens = gauge(meters, "fleet.sdlc.tokens.per.merged", "model tokens per merged pull request", null);
        cost = gauge(meters, "fleet.sdlc.cost.per.merged.usd", "estimated USD per merged pull request", null);
        roleTokens = gauge(
                meters, "fleet.sdlc.role.tokens.per.merged", "model tokens per merged pull request, by role", null);
        iterations = gauge(meters, "fleet.sdlc.iterations.to.green", "iteration in which QA first passed", null);
        sentBack = gauge(meters, "fleet.sdlc.sent.back.ratio", "share of verdicts that sent the change back", null);
        issueToMerge = gauge(meters, "fleet.sdlc.issue.to.merge", "from a task's start to its merge", "seconds");
    }

    private static MultiGauge gauge(MeterRegistry meters, String name, String description, String unit) {
        MultiGauge.Builder builder = MultiGauge.builder(name).description(description);
        return (unit == null ? builder : builder.baseUnit(unit)).register(meters);
    }

    @Scheduled(
            fixedDelayString = "${fleet.metrics.sdlc-refresh-interval:PT1M}",
            initialDelayString = "${fleet.metrics.sdlc-initial-delay:PT5S}")
    void refresh() {
        SdlcSummary summary;
        long lastDay;
        try {
            summary = figures.summary(WINDOW_DAYS);
            lastDay = figures.mergedWithin(java.time.Duration.ofDays(1));
        } catch (DataAccessException e) {
            log.warn("delivery figures not refreshed: {}", e.getMessage());
            return;
        }
        merged.register(List.of(row(Tags.empty(), (double) summary.merged())), true);
        mergedLastDay.register(List.of(row(Tags.empty(), (double) lastDay)), true);
        List<MultiGauge.Row<?>> perRepository = new ArrayList<>();
        List<MultiGauge.Row<?>> costs = new ArrayList<>();
        for (SdlcSummary.Repository repository : summary.byRepository()) {
            Tags tags = Tags.of("repository", repository.repository());
            add(perRepository, tags, repository.tokensPerMerged());
            add(costs, tags, repository.costPerMergedUsd());
        }
        tokens.register(perRepository, true);
        cost.register(costs, true);
        List<MultiGauge.Row<?>> roles = new ArrayList<>();
        summary.tokensPerMergedByRole().forEach((role, value) -> add(roles, Tags.of("role", role), value));
        roleTokens.register(roles, true);
        iterations.register(spread(summary.iterationsToGreen()), true);
        List<MultiGauge.Row<?>> shares = new ArrayList<>();
        for (Map.Entry<String, SdlcSummary.Verdicts> by : summary.sentBack().entrySet()) {
            add(shares, Tags.of("by", by.getKey()), by.getValue().share());
        }
        sentBack.register(shares, true);
        issueToMerge.register(spread(summary.issueToMerge()), true);
    }

    private static List<MultiGauge.Row<?>> spread(SdlcSummary.Spread spread) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        add(rows, Tags.of("stat", "mean"), spread.mean());
        add(rows, Tags.of("stat", "median"), spread.median());
        add(rows, Tags.of("stat", "p90"), spread.p90());
        return rows;
    }

    private static void add(List<MultiGauge.Row<?>> rows, Tags tags, Double value) {
        if (value != null) {
            rows.add(row(tags, value));
        }
    }

    private static MultiGauge.Row<?> row(Tags tags, double value) {
        return MultiGauge.Row.of(tags, value);
    }
}
