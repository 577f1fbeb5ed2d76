package dev.xpfleet.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.orchestrator.support.ClusterLock;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

@SpringBootTest
@FleetServices(database = true)
class AuditPartitionsIT {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditTrail audit;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    ClusterLock clusterLock;

    @Test
    void thisMonthAndTheNextTwoHavePartitionsAndRowsLandInThem() {
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        for (int i = 0; i <= AuditPartitions.MONTHS_AHEAD; i++) {
            YearMonth m = now.plusMonths(i);
            String name = "audit_trail_%d_%02d".formatted(m.getYear(), m.getMonthValue());
            assertThat(jdbc.sql("SELECT to_regclass(:n) IS NOT NULL")
                            .param("n", name)
                            .query(Boolean.class)
                            .single())
                    .as(name)
                    .isTrue();
        }
        audit.record(null, "test", "partition.check", Map.of());
        assertThat(jdbc.sql("SELECT tableoid::regclass::text FROM audit_trail WHERE action = 'partition.check'")
                        .query(String.class)
                        .single())
                .isEqualTo("audit_trail_%d_%02d".formatted(now.getYear(), now.getMonthValue()));
    }

    @Test
    void runningAgainOrLaterOnlyAddsWhatIsMissing() {
        Clock inFourMonths = monthsAhead(4);
        AuditPartitions later = new AuditPartitions(jdbc, transactions, clusterLock, inFourMonths);

        java.util.List<String> first = later.ensureAhead();
        java.util.List<String> second = later.ensureAhead();

        assertThat(first).hasSize(3);
        assertThat(second).isEmpty();
        assertThat(Instant.now(inFourMonths)).isAfter(Instant.now());
    }

    @Test
    void replicasRunningTheJobAtOnceCreateEachPartitionOnceAndNoneFails() throws Exception {
        Clock inEightMonths = monthsAhead(8);
        int replicas = 4;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(replicas);
        java.util.List<java.util.concurrent.Future<java.util.List<String>>> rounds = new java.util.ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(replicas)) {
            for (int i = 0; i < replicas; i++) {
                AuditPartitions replica = new AuditPartitions(jdbc, transactions, clusterLock, inEightMonths);
                rounds.add(threads.submit(() -> {
                    start.await();
                    return replica.ensureAhead();
                }));
            }
        }
        java.util.List<String> created = new java.util.ArrayList<>();
        for (var round : rounds) {
            created.addAll(round.get()); // a failed CREATE TABLE would throw here
        }

        assertThat(created).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void whileAnotherReplicaHoldsTheJobThisOneSkipsItsRound() {
        Clock inTwelveMonths = monthsAhead(12);
        AuditPartitions replica = new AuditPartitions(jdbc, transactions, clusterLock, inTwelveMonths);
        java.util.List<String> skipped = new java.util.ArrayList<>();

        clusterLock.runExclusively("audit-partitions", () -> skipped.addAll(replica.ensureAhead()));

        assertThat(skipped).isEmpty();
        assertThat(replica.ensureAhead()).hasSize(3);
    }

    /** A clock on the second day of the month that many months from now. */
    private static Clock monthsAhead(int months) {
        return Clock.fixed(
                YearMonth.now(ZoneOffset.UTC)
                        .plusMonths(months)
                        .atDay(2)
                        .atStartOfDay()
                        .toInstant(ZoneOffset.UTC),
                ZoneOffset.UTC);
    }
}
