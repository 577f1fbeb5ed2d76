package dev.xpfleet.orchestrator.results;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param instanceId consumer name in the results group; default host name and pid
 * @param batchSize results read at once
 * @param readBlock how long one XREADGROUP waits
 * @param reclaimIdle idle time after which another replica's unacknowledged result is taken over
 * @param maxDeliveries deliveries after which a result goes to the dead-letter stream
 */
@Validated
@ConfigurationProperties("fleet.results")
public record ResultsProperties(
        String instanceId,
        @DefaultValue("50") @Min(1) @Max(1000) int batchSize,
        @DefaultValue("2s") Duration readBlock,
        @DefaultValue("30s") Duration reclaimIdle,
        @DefaultValue("5") @Min(1) @Max(100) int maxDeliveries) {

    public ResultsProperties {
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = "orchestrator-"
                    + java.lang.management.ManagementFactory.getRuntimeMXBean().getPid();
        }
    }
}
