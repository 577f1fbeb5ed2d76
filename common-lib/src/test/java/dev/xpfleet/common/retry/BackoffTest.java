package dev.xpfleet.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromTheFirstPauseUpToTheMax() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1));

        assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.after(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.after(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.after(Long.MAX_VALUE)).as("no overflow").isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.after(0)).as("read as the first failure").isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void aMaxBelowTheFirstPauseCapsEveryPauseAsBefore() {
        assertThat(new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).after(1))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(new Backoff(Duration.ofSeconds(1), null).after(11)).isEqualTo(Duration.ofSeconds(1024));
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(-1), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
