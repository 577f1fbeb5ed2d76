package dev.xpfleet.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
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
        Clock inFourMonths = Clock.fixed(
                YearMonth.now(ZoneOffset.UTC)
                        .plusMonths(4)
                        .atDay(2)
                        .atStartOfDay()
                        .toInstant(ZoneOffset.UTC),
                ZoneOffset.UTC);
        AuditPartitions later = new AuditPartitions(jdbc, transactions, inFourMonths);

        java.util.List<String> first = later.ensureAhead();
        java.util.List<String> second = later.ensureAhead();

        assertThat(first).hasSize(3);
        assertThat(second).isEmpty();
        assertThat(Instant.now(inFourMonths)).isAfter(Instant.now());
    }
}
