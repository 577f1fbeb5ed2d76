package dev.xpfleet.orchestrator.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Outbox backlog as gauges: rows not yet published, rows blocked, and the age of the oldest
 * unpublished row. Read from PostgreSQL on a schedule, not per scrape, so a scrape never waits on
 * the database; when the database is unreachable the last figures stay and a warning is logged.
 */
@Component
class OutboxGauges {

    private static final Logger log = LoggerFactory.getLogger(OutboxGauges.class);

    private final Outbox outbox;
    private final AtomicReference<Outbox.Backlog> last = new AtomicReference<>(new Outbox.Backlog(0, 0, 0));

    OutboxGauges(Outbox outbox, MeterRegistry meters) {
        this.outbox = outbox;
        Gauge.builder("fleet.outbox.pending", last, b -> b.get().pending())
                .description("outbox rows not yet published (blocked included)")
                .register(meters);
        Gauge.builder("fleet.outbox.blocked", last, b -> b.get().blocked())
                .description("outbox rows that failed too often and wait for an operator")
                .register(meters);
        Gauge.builder("fleet.outbox.oldest.age", last, b -> b.get().oldestSeconds())
                .description("age of the oldest outbox row waiting for the relay (blocked rows excluded)")
                .baseUnit("seconds")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${fleet.metrics.refresh-interval:PT10S}")
    void refresh() {
        try {
            last.set(outbox.backlog());
        } catch (DataAccessException e) {
            log.warn("Could not read the outbox backlog for metrics: {}", e.getMessage());
        }
    }
}
