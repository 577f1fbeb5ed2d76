package dev.xpfleet.orchestrator.refactor;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The fleet's refactoring settings; a repository's {@code .fleet.yml} ({@code refactor:}) may turn
 * it off, lower the issues a run opens and set its own weekly budget and paths to leave alone.
 *
 * @param schedule whether the weekly run happens (operators' runs work either way)
 * @param cron when, as a Spring cron expression (second minute hour day month weekday)
 * @param zone the time zone of {@code cron}
 * @param repositories what a run scans; empty: every repository the fleet has had a task for
 * @param maxIssues the most issues one run opens per repository
 * @param weeklyTokens the tokens a repository's refactoring tasks may spend per ISO week
 * @param label the label the fleet's refactoring issues carry, beside the trigger label
 * @param stepInterval how often each replica looks for planned issues to open
 * @param scanTimeout a scan no refactor agent answered within this long fails
 * @param sonarProjectKeys SonarQube project keys of repositories whose key the refactor agents'
 *     template ({@code fleet.refactor.sonar-project-key}) does not give
 */
@Validated
@ConfigurationProperties("fleet.refactor")
public record RefactorProperties(
        @DefaultValue("true") boolean schedule,
        @DefaultValue("0 0 6 * * MON") @NotBlank String cron,
        @DefaultValue("UTC") @NotBlank String zone,
        @DefaultValue List<String> repositories,
        @DefaultValue("3") @Min(0) @Max(50) int maxIssues,
        @DefaultValue("1000000") @Min(0) long weeklyTokens,
        @DefaultValue("refactor") @NotBlank String label,
        @DefaultValue("PT2S") Duration stepInterval,
        @DefaultValue("PT2H") Duration scanTimeout,
        @DefaultValue java.util.Map<String, String> sonarProjectKeys) {}
