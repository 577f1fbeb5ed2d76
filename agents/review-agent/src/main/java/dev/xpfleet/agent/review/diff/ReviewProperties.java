package dev.xpfleet.agent.review.diff;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The reviewer's settings ({@code fleet.review.*}).
 *
 * @param orchestratorUrl the orchestrator: model gateway, and clone credentials when no clone URL is set
 * @param orchestratorToken an API token of the agent role (never logged)
 * @param cloneUrl where to clone from, with {@code {repository}} (the local forge); else asked of the orchestrator
 * @param workRoot workspaces
 * @param allowUnsandboxed parse Python suggestions unconfined where no sandbox can be had (an
 *     operator's choice); otherwise they are left unchecked there
 * @param modelTimeout one model call through the gateway
 * @param maxAttempts answers asked of the model before a malformed review ends in NEEDS_HUMAN
 * @param maxAnswerTokens the most tokens one answer may use
 * @param inFlightWait how long to wait for a call an earlier delivery of the step is still making
 * @param suggestionBuilds the most compilations of the change per review to check Java suggestions
 *     (Maven and Gradle builds); 0 leaves them checked by parsing alone
 * @param buildTime one build (or the dependency prefetch) in the sandbox
 * @param memory one build's memory in the sandbox
 * @param processes one build's processes in the sandbox
 */
@Validated
@ConfigurationProperties("fleet.review")
public record ReviewProperties(
        URI orchestratorUrl,
        String orchestratorToken,
        String cloneUrl,
        @DefaultValue(".fleet/review") Path workRoot,
        @DefaultValue("false") boolean allowUnsandboxed,
        @DefaultValue("120s") Duration modelTimeout,
        @DefaultValue("2") @Min(1) @Max(5) int maxAttempts,
        @DefaultValue("2048") @Min(256) int maxAnswerTokens,
        @DefaultValue("10m") Duration inFlightWait,
        @DefaultValue("6") @Min(0) @Max(20) int suggestionBuilds,
        @DefaultValue("5m") Duration buildTime,
        @DefaultValue("2GB") org.springframework.util.unit.DataSize memory,
        @DefaultValue("256") @Min(16) int processes) {

    /** The sandbox's limits for one build. */
    public dev.xpfleet.common.sandbox.SandboxLimits buildLimits() {
        return new dev.xpfleet.common.sandbox.SandboxLimits(buildTime, memory.toBytes(), processes);
    }

    @Override
    public String toString() {
        return "ReviewProperties[orchestratorUrl=" + orchestratorUrl + ", cloneUrl=" + cloneUrl + ", workRoot="
                + workRoot + "]";
    }
}
