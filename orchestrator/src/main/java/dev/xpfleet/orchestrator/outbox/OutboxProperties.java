package dev.xpfleet.orchestrator.outbox;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param pollInterval longest wait of the active relay between looks for new rows; committed inserts
 *     wake it at once through LISTEN/NOTIFY
 * @param batchSize rows per round
 * @param maxAttempts failed publishes after which a row is BLOCKED
 * @param retryBackoff first pause after a failed publish; doubles per attempt
 * @param retryBackoffMax longest pause
 * @param streamMaxLength approximate cap (XADD MAXLEN ~) of each task stream
 * @param standbyInterval how often a standby replica tries to become the active relay
 */
@Validated
@ConfigurationProperties("fleet.outbox")
public record OutboxProperties(
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("200") @Min(1) @Max(5000) int batchSize,
        @DefaultValue("10") @Min(1) @Max(1000) int maxAttempts,
        @DefaultValue("1s") Duration retryBackoff,
        @DefaultValue("5m") Duration retryBackoffMax,
        @DefaultValue("100000") @Min(100) long streamMaxLength,
        @DefaultValue("1s") Duration standbyInterval) {}
