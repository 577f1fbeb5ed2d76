package dev.xpfleet.orchestrator.refactor;

import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.orchestrator.task.StepOutputs;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Refactoring figures, read from the database on a schedule (the same on every replica):
 * {@code fleet.refactor.debt{repository}} (minutes) and {@code fleet.refactor.complexity{repository}}
 * from each repository's latest scan (their history is the before and after);
 * {@code fleet.refactor.refactorings{outcome}}: opened, merged, rejected (failed or cancelled),
 * open; {@code fleet.refactor.merged.lines.changed} and {@code fleet.refactor.merged.tokens}: summed
 * over the merged refactorings (divide by the merged count for a refactoring's average).
 */
@Component
class RefactorGauges {

    private static final Logger log = LoggerFactory.getLogger(RefactorGauges.class);

    private final JdbcClient jdbc;
    private final StepOutputs outputs;
    private final ArtifactStore artifacts;
    private final MultiGauge debt;
    private final MultiGauge complexity;
    private final Map<String, AtomicLong> outcomes = new LinkedHashMap<>();
    private final AtomicLong linesChanged = new AtomicLong();
    private final AtomicLong mergedTokens = new AtomicLong();

    private final dev.xpfleet.orchestrator.support.ClusterLock clusterLock;

    RefactorGauges(
            JdbcClient jdbc,
            StepOutputs outputs,
            ArtifactStore artifacts,
            MeterRegistry meters,
            dev.xpfleet.orchestrator.support.ClusterLock clusterLock) {
        this.jdbc = jdbc;
        this.clusterLock = clusterLock;
        this.outputs = outputs;
        this.artifacts = artifacts;
        this.debt = MultiGauge.builder("fleet.refactor.debt")
                .description("technical debt of the repository's latest refactoring scan")
                .baseUnit("minutes")
                .register(meters);
        this.complexity = MultiGauge.builder("fleet.refactor.complexity")
                .description("cyclomatic complexity of the repository's latest refactoring scan")
                .register(meters);
        for (String outcome : List.of("opened", "merged", "rejected", "open")) {
            AtomicLong n = new AtomicLong();
            outcomes.put(outcome, n);
            Gauge.builder("fleet.refactor.refactorings", n, AtomicLong::get)
                    .description("refactorings the fleet opened, by outcome")
                    .tag("outcome", outcome)
                    .register(meters);
        }
        Gauge.builder("fleet.refactor.merged.lines.changed", linesChanged, AtomicLong::get)
                .description("lines added and removed by the merged refactorings, summed")
                .register(meters);
        Gauge.builder("fleet.refactor.merged.tokens", mergedTokens, AtomicLong::get)
                .description("model tokens spent by the merged refactorings' tasks, summed")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${fleet.metrics.refresh-interval:PT10S}")
    void refresh() {
        try {
            List<MultiGauge.Row<?>> debts = new ArrayList<>();
            List<MultiGauge.Row<?>> complexities = new ArrayList<>();
            jdbc.sql("""
                            SELECT DISTINCT ON (repository) repository, measures FROM refactor_scans
                             WHERE state = 'DONE' AND measures IS NOT NULL ORDER BY repository, finished_at DESC
                            """)
                    .query((rs, i) -> {
                        var measures =
                                dev.xpfleet.common.stream.EnvelopeCodec.mapper().readTree(rs.getString("measures"));
                        Tags tags = Tags.of("repository", rs.getString("repository"));
                        debts.add(MultiGauge.Row.of(
                                tags, measures.path("debtMinutes").asDouble(0)));
                        complexities.add(MultiGauge.Row.of(
                                tags, measures.path("complexity").asDouble(0)));
                        return null;
                    })
                    .list();
            debt.register(debts, true);
            complexity.register(complexities, true);
            jdbc.sql("""
                            SELECT count(*) FILTER (WHERE i.state = 'OPENED') AS opened,
                                   count(*) FILTER (WHERE t.state = 'MERGED') AS merged,
                                   count(*) FILTER (WHERE t.state IN ('FAILED', 'CANCELLED')) AS rejected,
                                   count(*) FILTER (WHERE i.state = 'OPENED'
                                                      AND t.state NOT IN ('MERGED', 'FAILED', 'CANCELLED')) AS open
                              FROM refactor_items i LEFT JOIN tasks t ON t.id = i.task_id
                            """)
                    .query((rs, i) -> {
                        outcomes.forEach((name, n) -> {
                            try {
                                n.set(rs.getLong(name));
                            } catch (java.sql.SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        return outcomes.size();
                    })
                    .single();
            // One replica measures (it reads the artifact store); every replica reads the sums.
            clusterLock.runExclusively("refactor-lines-changed", this::measureMergedChanges);
            linesChanged.set(
                    jdbc.sql("SELECT coalesce(sum(lines_changed), 0) FROM refactor_items WHERE lines_changed >= 0")
                            .query(Long.class)
                            .single());
            mergedTokens.set(jdbc.sql("""
                            SELECT coalesce(sum(coalesce(c.prompt_tokens, 0) + coalesce(c.completion_tokens, 0)), 0)
                              FROM refactor_items i JOIN tasks t ON t.id = i.task_id AND t.state = 'MERGED'
                              JOIN model_calls c ON c.task_id = t.id
                            """).query(Long.class).single());
        } catch (DataAccessException e) {
            log.warn("Could not read the refactoring figures for metrics: {}", e.getMessage());
        }
    }

    /**
     * Each merged refactoring's lines changed, counted once from its developer's patch; a patch that
     * cannot be read is recorded as unknown (-1), not asked for again every round.
     */
    private void measureMergedChanges() {
        List<UUID> unmeasured = jdbc.sql("""
                        SELECT i.task_id FROM refactor_items i JOIN tasks t ON t.id = i.task_id
                         WHERE t.state = 'MERGED' AND i.lines_changed IS NULL ORDER BY i.opened_at LIMIT 20
                        """).query(UUID.class).list();
        for (UUID task : unmeasured) {
            int iteration = jdbc.sql("SELECT iteration FROM tasks WHERE id = :id")
                    .param("id", task)
                    .query(Integer.class)
                    .single();
            String key = outputs.of(task, MessageTypes.DEV_IMPLEMENT, iteration)
                    .path("patch")
                    .asString("");
            int lines = 0;
            try {
                if (!key.isBlank()) {
                    byte[] patch = artifacts.get(key).orElse(new byte[0]);
                    lines = changedLines(new String(patch, StandardCharsets.UTF_8));
                }
            } catch (IOException | RuntimeException e) {
                log.info(
                        "Refactoring task {}: its patch could not be read for the lines changed: {}",
                        task,
                        e.getMessage());
                lines = -1;
            }
            jdbc.sql("UPDATE refactor_items SET lines_changed = :n WHERE task_id = :task")
                    .param("n", lines)
                    .param("task", task)
                    .update();
        }
    }

    /** Added plus removed lines of a unified diff. */
    static int changedLines(String diff) {
        int n = 0;
        boolean inHunk = false;
        for (String line : diff.split("\n")) {
            if (line.startsWith("diff --git ")) {
                inHunk = false; // the next file's headers ("--- a/...") are not lines of a hunk
            } else if (line.startsWith("@@")) {
                inHunk = true;
            } else if (inHunk && (line.startsWith("+") || line.startsWith("-"))) {
                n++;
            }
        }
        return n;
    }
}
