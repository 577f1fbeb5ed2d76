package dev.xpfleet.agent.dev.implement;

import dev.xpfleet.agent.dev.loop.LoopLimits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The developer's settings ({@code fleet.dev.*}).
 *
 * @param orchestratorUrl the orchestrator: model gateway, and clone credentials when no clone URL is set
 * @param orchestratorToken an API token of the agent role (never logged)
 * @param cloneUrl where to clone from, with {@code {repository}} (the local forge); else asked of the orchestrator
 * @param workRoot workspaces
 * @param allowUnsandboxed run repository code unconfined where no sandbox can be had (an operator's choice)
 * @param modelTimeout one model call through the gateway
 * @param mapChars the repository map's budget in characters (about a quarter as many tokens)
 * @param retrieval add code near the issue from the orchestrator's retrieval to the first prompt
 * @param indexTimeout how long indexing the base commit may take before the developer goes on without it
 * @param toolCalls offer the tools as OpenAI function definitions; off for a provider that refuses
 *     them (the text format works either way)
 */
@Validated
@ConfigurationProperties("fleet.dev")
public record DevProperties(
        URI orchestratorUrl,
        String orchestratorToken,
        String cloneUrl,
        @DefaultValue(".fleet/dev") Path workRoot,
        @DefaultValue("false") boolean allowUnsandboxed,
        @DefaultValue("120s") Duration modelTimeout,
        @DefaultValue("30") @Min(1) @Max(200) int maxTurns,
        @DefaultValue("20m") Duration maxWallTime,
        @DefaultValue("200000") @Min(1000) long maxTokens,
        @DefaultValue("3") @Min(1) @Max(20) int testRunsPerPhase,
        @DefaultValue("2000") @Min(10) int maxPatchLines,
        @DefaultValue("25") @Min(1) int maxPatchFiles,
        @DefaultValue("4096") @Min(256) int maxAnswerTokens,
        @DefaultValue("8000") @Min(500) int mapChars,
        @DefaultValue("true") boolean toolCalls,
        @DefaultValue("true") boolean retrieval,
        @DefaultValue("60s") Duration indexTimeout,
        @DefaultValue("5m") Duration testTime,
        @DefaultValue("2GB") DataSize memory,
        @DefaultValue("256") int processes) {

    @Override
    public String toString() {
        return "DevProperties[orchestratorUrl=" + orchestratorUrl + ", cloneUrl=" + cloneUrl + ", workRoot=" + workRoot
                + ", maxTurns=" + maxTurns + ", maxTokens=" + maxTokens + "]";
    }

    LoopLimits limits() {
        return new LoopLimits(
                maxTurns, maxWallTime, maxTokens, testRunsPerPhase, maxPatchLines, maxPatchFiles, maxAnswerTokens);
    }
}
