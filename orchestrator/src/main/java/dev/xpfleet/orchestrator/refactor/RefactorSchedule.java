package dev.xpfleet.orchestrator.refactor;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * The weekly run ({@code fleet.refactor.cron}, default Mondays 06:00 in {@code fleet.refactor.zone}):
 * every replica's clock fires it, ShedLock lets one replica in, and the run's slot (the fire time)
 * is unique in the database, so a replica whose lock had expired, or whose clock is a little off,
 * does not start a second run for the same Monday.
 */
@Component
class RefactorSchedule {

    private static final Logger log = LoggerFactory.getLogger(RefactorSchedule.class);

    /** How late a replica may fire and still count as the same slot. */
    static final Duration SLOT_TOLERANCE = Duration.ofMinutes(5);

    private final RefactorRuns runs;
    private final RefactorProperties props;

    RefactorSchedule(RefactorRuns runs, RefactorProperties props) {
        this.runs = runs;
        this.props = props;
    }

    @Scheduled(cron = "${fleet.refactor.cron:0 0 6 * * MON}", zone = "${fleet.refactor.zone:UTC}")
    @SchedulerLock(name = "refactor-weekly", lockAtLeastFor = "PT1M", lockAtMostFor = "PT10M")
    public void weekly() {
        fire(Instant.now());
    }

    /**
     * Starts the run of the slot {@code now} falls in; nothing when the schedule is off or the slot
     * has its run.
     */
    void fire(Instant now) {
        if (!props.schedule()) {
            return;
        }
        Instant slot = slot(props.cron(), ZoneId.of(props.zone()), now);
        try {
            runs.start(RefactorRuns.Trigger.SCHEDULE, slot, false, "schedule", java.util.List.of())
                    .ifPresentOrElse(
                            run -> log.info("Weekly refactoring run {} started for {}", run, slot),
                            () -> log.info("The refactoring run for {} was started by another replica", slot));
        } catch (IllegalArgumentException e) {
            log.info("No weekly refactoring run for {}: {}", slot, e.getMessage());
        } catch (RuntimeException e) {
            // The database down at the fire time: said loudly; an operator can start the run by hand.
            log.error(
                    "The weekly refactoring run for {} could not be started: {} (POST /api/refactor/runs starts one)",
                    slot,
                    e.getMessage());
        }
    }

    /** The fire time {@code now} belongs to: the schedule's first time after now minus the tolerance. */
    static Instant slot(String cron, ZoneId zone, Instant now) {
        ZonedDateTime next = CronExpression.parse(cron).next(ZonedDateTime.ofInstant(now.minus(SLOT_TOLERANCE), zone));
        if (next == null || next.toInstant().isAfter(now.plusSeconds(1))) {
            // Fired off its schedule (a test, or a clock jump): the minute it fired in.
            return now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        }
        return next.toInstant();
    }
}
