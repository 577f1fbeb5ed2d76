package dev.xpfleet.orchestrator.budget;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param taskTokens default budget of one task (all its iterations and agents)
 * @param repositoryDailyTokens default budget of one repository per UTC day
 * @param globalMonthlyTokens default budget of the whole fleet per UTC month
 * @param reservationTimeout a reservation still open after this long (its replica died mid-call)
 *     is settled at its full reserved amount
 */
@Validated
@ConfigurationProperties("fleet.budget")
public record BudgetProperties(
        @DefaultValue("200000") @Min(0) long taskTokens,
        @DefaultValue("2000000") @Min(0) long repositoryDailyTokens,
        @DefaultValue("50000000") @Min(0) long globalMonthlyTokens,
        @DefaultValue("15m") Duration reservationTimeout) {}
