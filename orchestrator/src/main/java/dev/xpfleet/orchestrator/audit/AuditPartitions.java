package dev.xpfleet.orchestrator.audit;

import dev.xpfleet.orchestrator.support.ClusterLock;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates the monthly partitions of {@code audit_trail} ahead of time: this month and the next
 * {@value #MONTHS_AHEAD}, at startup and daily. The {@link ClusterLock} makes one replica do it at
 * a time; another skips its round and finds the partitions there. A month whose rows already sit in the
 * default partition keeps them there (PostgreSQL refuses the new partition), which is logged.
 */
@Component
public class AuditPartitions implements ApplicationRunner {

    static final int MONTHS_AHEAD = 2;
    private static final long LEGACY_LOCK_KEY = 0x666C656574617564L; // "fleetaud"
    private static final Logger log = LoggerFactory.getLogger(AuditPartitions.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ClusterLock clusterLock;
    private final Clock clock;

    @Autowired
    public AuditPartitions(JdbcClient jdbc, TransactionTemplate transactions, ClusterLock clusterLock) {
        this(jdbc, transactions, clusterLock, Clock.systemUTC());
    }

    AuditPartitions(JdbcClient jdbc, TransactionTemplate transactions, ClusterLock clusterLock, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clusterLock = clusterLock;
        this.clock = clock;
    }

    /** At startup, before the service reports ready: no audit row waits for its month. */
    @Override
    public void run(ApplicationArguments args) {
        ensureAhead();
    }

    /** Daily, so the months ahead keep existing as time passes. */
    @Scheduled(initialDelayString = "PT24H", fixedDelayString = "PT24H")
    public void daily() {
        ensureAhead();
    }

    /** @return the partitions created now */
    public List<String> ensureAhead() {
        List<String> created = new ArrayList<>();
        clusterLock.runExclusively(
                "audit-partitions", () -> transactions.executeWithoutResult(tx -> createMissing(created)));
        return created;
    }

    private void createMissing(List<String> created) {
        // Until every replica runs this version: the lock replicas of the version before took, so
        // an old and a new replica never create partitions at once. Remove with the release after.
        if (!jdbc.sql("SELECT pg_try_advisory_xact_lock(:key)")
                .param("key", LEGACY_LOCK_KEY)
                .query(Boolean.class)
                .single()) {
            return;
        }
        YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        for (int i = 0; i <= MONTHS_AHEAD; i++) {
            YearMonth m = month.plusMonths(i);
            String name = "audit_trail_%d_%02d".formatted(m.getYear(), m.getMonthValue());
            if (exists(name)) {
                continue;
            }
            if (hasDefaultRows(m)) {
                log.warn("Audit rows of {} are in the default partition already; {} not created", m, name);
                continue;
            }
            LocalDate from = m.atDay(1);
            LocalDate to = m.plusMonths(1).atDay(1);
            jdbc.sql("CREATE TABLE IF NOT EXISTS %s PARTITION OF audit_trail FOR VALUES FROM ('%s') TO ('%s')"
                            .formatted(name, from, to))
                    .update();
            if (exists(name)) {
                created.add(name);
                log.info("Created audit partition {}", name);
            }
        }
    }

    private boolean exists(String name) {
        return jdbc.sql("SELECT to_regclass(:name) IS NOT NULL")
                .param("name", name)
                .query(Boolean.class)
                .single();
    }

    private boolean hasDefaultRows(YearMonth m) {
        return jdbc.sql("""
                        SELECT EXISTS (SELECT 1 FROM audit_trail_default
                                        WHERE occurred_at >= CAST(:from AS date) AND occurred_at < CAST(:to AS date))
                        """)
                .param("from", m.atDay(1).toString())
                .param("to", m.plusMonths(1).atDay(1).toString())
                .query(Boolean.class)
                .single();
    }
}
