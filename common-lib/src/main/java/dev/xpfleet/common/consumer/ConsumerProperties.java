package dev.xpfleet.common.consumer;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param instanceId consumer name in the group; default host name and pid. A stable name lets a
 *     restarted instance take back its own pending entries at once instead of after reclaimIdle
 * @param concurrency handlers running at once; the runtime never reads more entries than this
 * @param readBlock how long one XREADGROUP waits for new entries
 * @param heartbeatInterval how often running entries are re-claimed to keep their idle time low
 * @param reclaimIdle idle time after which another consumer's entry is taken over (its consumer is
 *     presumed dead); must be well above the heartbeat interval
 * @param reclaimInterval how often to look for such entries
 * @param maxDeliveries deliveries after which an entry goes to the dead-letter stream
 * @param retryBackoff first pause before retrying a failed handler; doubles up to retryBackoffMax
 * @param retryBackoffMax longest pause between retries (and between Redis reconnect attempts)
 * @param dedupeTtl how long a completed event id is remembered
 * @param shutdownGrace how long running handlers may finish at shutdown
 * @param resultsMaxLength approximate cap (XADD MAXLEN ~) of the results and dead-letter streams
 */
@Validated
@ConfigurationProperties("fleet.consumer")
public record ConsumerProperties(
        String instanceId,
        @DefaultValue("4") @Min(1) @Max(256) int concurrency,
        @DefaultValue("2s") Duration readBlock,
        @DefaultValue("5s") Duration heartbeatInterval,
        @DefaultValue("60s") Duration reclaimIdle,
        @DefaultValue("10s") Duration reclaimInterval,
        @DefaultValue("5") @Min(1) @Max(100) int maxDeliveries,
        @DefaultValue("1s") Duration retryBackoff,
        @DefaultValue("30s") Duration retryBackoffMax,
        @DefaultValue("7d") Duration dedupeTtl,
        @DefaultValue("30s") Duration shutdownGrace,
        @DefaultValue("100000") @Min(100) long resultsMaxLength) {

    public ConsumerProperties {
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = defaultInstanceId();
        }
    }

    /** Defaults, for code that builds a runtime without Spring. */
    public static ConsumerProperties defaults() {
        return new ConsumerProperties(
                null,
                4,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                Duration.ofSeconds(10),
                5,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofDays(7),
                Duration.ofSeconds(30),
                100_000);
    }

    @AssertTrue(message = "fleet.consumer.reclaim-idle must be at least 3 x fleet.consumer.heartbeat-interval")
    public boolean isReclaimIdleAboveHeartbeat() {
        return reclaimIdle.compareTo(heartbeatInterval.multipliedBy(3)) >= 0;
    }

    @AssertTrue(message = "fleet.consumer.dedupe-ttl must be at least 1s")
    public boolean isDedupeTtlAtLeastASecond() {
        return dedupeTtl.toSeconds() >= 1;
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
