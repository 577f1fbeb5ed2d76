package dev.xpfleet.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** One replica at a time: while one holds the lock another's round is skipped; released after. */
@SpringBootTest
@FleetServices(database = true)
class ClusterLockIT {

    @Autowired
    ClusterLock lock;

    @Test
    void aSecondHolderIsTurnedAwayUntilTheFirstIsDone() {
        AtomicBoolean innerRan = new AtomicBoolean();
        boolean outer = lock.runExclusively(
                "test-job",
                () -> assertThat(lock.runExclusively("test-job", () -> innerRan.set(true)))
                        .as("another session holds it")
                        .isFalse());

        assertThat(outer).isTrue();
        assertThat(innerRan).isFalse();
        assertThat(lock.runExclusively("test-job", () -> innerRan.set(true))).isTrue();
        assertThat(innerRan).isTrue();
        assertThat(lock.runExclusively("other-job", () -> {})).isTrue();
    }
}
