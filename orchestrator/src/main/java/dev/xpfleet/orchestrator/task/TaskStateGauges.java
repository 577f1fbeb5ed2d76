package dev.xpfleet.orchestrator.task;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code fleet.tasks{state}}: how many tasks are in each state, one gauge per state (zero
 * included, so a dashboard sees a state empty out); and {@code fleet.tasks.oldest.age{state}} for
 * each state a task passes through: how long the task that has waited longest in it has been there
 * (0 when none), for the "stuck in a stage" alert. Counted on a schedule, not per scrape.
 */
@Component
class TaskStateGauges {

    private static final Logger log = LoggerFactory.getLogger(TaskStateGauges.class);

    /** The states a task passes through, as SQL literals (enum names: nothing to escape). */
    private static final String PASSED_THROUGH = Arrays.stream(TaskState.values())
            .filter(state -> !state.isTerminal())
            .map(state -> "'" + state.name() + "'")
            .collect(Collectors.joining(", "));

    private final JdbcClient jdbc;
    private final Map<TaskState, AtomicLong> counts = new EnumMap<>(TaskState.class);
    private final Map<TaskState, AtomicLong> oldest = new EnumMap<>(TaskState.class);

    TaskStateGauges(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        for (TaskState state : TaskState.values()) {
            AtomicLong count = new AtomicLong();
            counts.put(state, count);
            Gauge.builder("fleet.tasks", count, AtomicLong::get)
                    .description("tasks by state")
                    .tag("state", state.name())
                    .register(meters);
            if (!state.isTerminal()) {
                AtomicLong age = new AtomicLong();
                oldest.put(state, age);
                Gauge.builder("fleet.tasks.oldest.age", age, AtomicLong::get)
                        .description("how long the task longest in this state has been in it")
                        .baseUnit("seconds")
                        .tag("state", state.name())
                        .register(meters);
            }
        }
    }

    @Scheduled(fixedDelayString = "${fleet.metrics.refresh-interval:PT10S}")
    void refresh() {
        try {
            Map<TaskState, Long> fresh = new EnumMap<>(TaskState.class);
            Map<TaskState, Long> ages = new EnumMap<>(TaskState.class);
            jdbc.sql("SELECT state, count(*) AS n FROM tasks GROUP BY state")
                    .query((rs, i) -> fresh.put(TaskState.valueOf(rs.getString("state")), rs.getLong("n")))
                    .list();
            // The ages read only the tasks in a state a task passes through (the index on state
            // finds them), not the finished ones that make up most of the table; the counts above
            // read every row.
            jdbc.sql("""
                            SELECT state,
                                   extract(epoch FROM now() - min(CAST(stage_entered_at ->> state AS timestamptz))) AS oldest
                              FROM tasks WHERE state IN (%s) GROUP BY state
                            """.formatted(PASSED_THROUGH))
                    .query((rs, i) -> ages.put(TaskState.valueOf(rs.getString("state")), (long) rs.getDouble("oldest")))
                    .list();
            counts.forEach((state, count) -> count.set(fresh.getOrDefault(state, 0L)));
            oldest.forEach((state, age) -> age.set(ages.getOrDefault(state, 0L)));
        } catch (DataAccessException e) {
            log.warn("Could not count tasks by state for metrics: {}", e.getMessage());
        }
    }
}
