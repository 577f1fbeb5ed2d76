package dev.xpfleet.orchestrator.task;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * {@code fleet.tasks{state}}: how many tasks are in each state, one gauge per state (zero
 * included, so a dashboard sees a state empty out). Counted on a schedule, not per scrape.
 */
@Component
class TaskStateGauges {

    private static final Logger log = LoggerFactory.getLogger(TaskStateGauges.class);

    private final JdbcClient jdbc;
    private final Map<TaskState, AtomicLong> counts = new EnumMap<>(TaskState.class);

    TaskStateGauges(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        for (TaskState state : TaskState.values()) {
            AtomicLong count = new AtomicLong();
            counts.put(state, count);
            Gauge.builder("fleet.tasks", count, AtomicLong::get)
                    .description("tasks by state")
                    .tag("state", state.name())
                    .register(meters);
        }
    }

    @Scheduled(fixedDelayString = "${fleet.metrics.refresh-interval:PT10S}")
    void refresh() {
        try {
            Map<TaskState, Long> fresh = new EnumMap<>(TaskState.class);
            jdbc.sql("SELECT state, count(*) AS n FROM tasks GROUP BY state")
                    .query((rs, i) -> fresh.put(TaskState.valueOf(rs.getString("state")), rs.getLong("n")))
                    .list();
            counts.forEach((state, count) -> count.set(fresh.getOrDefault(state, 0L)));
        } catch (DataAccessException e) {
            log.warn("Could not count tasks by state for metrics: {}", e.getMessage());
        }
    }
}
