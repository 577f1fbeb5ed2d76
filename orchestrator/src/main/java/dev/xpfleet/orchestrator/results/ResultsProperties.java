package dev.xpfleet.orchestrator.results;

import dev.xpfleet.common.consumer.ConsumerProperties;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a replica consumes the results stream (the common consumer runtime's settings, with defaults
 * for short database work instead of long agent steps).
 *
 * @param instanceId consumer name in the results group; default host name and pid (unique per
 *     replica, also in containers where every pid is 1)
 * @param concurrency results applied at once by one replica
 * @param readBlock how long one XREADGROUP waits
 * @param heartbeatInterval how often results being applied are re-claimed
 * @param reclaimIdle idle time after which another replica's unacknowledged result is taken over
 * @param reclaimInterval how often to look for such results
 * @param maxDeliveries deliveries after which a result goes to the dead-letter stream
 * @param retryBackoff first pause before applying a failed result again; doubles up to the max
 * @param retryBackoffMax longest pause between attempts and between Redis reconnects
 * @param shutdownGrace how long results being applied may finish at shutdown
 */
@Validated
@ConfigurationProperties("fleet.results")
public record ResultsProperties(
        String instanceId,
        @DefaultValue("4") @Min(1) @Max(64) int concurrency,
        @DefaultValue("2s") Duration readBlock,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("30s") Duration reclaimIdle,
        @DefaultValue("10s") Duration reclaimInterval,
        @DefaultValue("5") @Min(1) @Max(100) int maxDeliveries,
        @DefaultValue("200ms") Duration retryBackoff,
        @DefaultValue("10s") Duration retryBackoffMax,
        @DefaultValue("10s") Duration shutdownGrace) {

    @AssertTrue(message = "fleet.results.reclaim-idle must be at least 3 x fleet.results.heartbeat-interval")
    public boolean isReclaimIdleAboveHeartbeat() {
        return reclaimIdle.compareTo(heartbeatInterval.multipliedBy(3)) >= 0;
    }

    ConsumerProperties consumer() {
        return new ConsumerProperties(
                instanceId,
                concurrency,
                readBlock,
                heartbeatInterval,
                reclaimIdle,
                reclaimInterval,
                maxDeliveries,
                retryBackoff,
                retryBackoffMax,
                Duration.ofDays(7), // no done keys: processed_events remembers applied results
                shutdownGrace,
                100_000);
    }
}
