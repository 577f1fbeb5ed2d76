package dev.xpfleet.orchestrator.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param providers upstream providers by name
 * @param roles provider name per agent role ({@code dev}, {@code review}, ...)
 * @param defaultProvider provider for roles not listed in {@code roles}; none means such calls are
 *     refused with 503
 * @param maxTokensDefault {@code max_tokens} when a request leaves it out
 * @param maxTokensCap the most a request may ask for
 * @param maxAttempts calls per request to an upstream that answers 429, 5xx or times out
 * @param backoff first pause between attempts (doubles), when the upstream gives no Retry-After
 * @param maxRetryAfter the longest Retry-After honoured; a longer one fails the call at once
 * @param prices USD per million tokens by model, for the estimated-cost metric
 */
@Validated
@ConfigurationProperties("fleet.gateway")
public record GatewayProperties(
        @DefaultValue Map<String, @Valid Provider> providers,
        @DefaultValue Map<String, String> roles,
        String defaultProvider,
        @DefaultValue("1024") @Min(1) int maxTokensDefault,
        @DefaultValue("8192") @Min(1) @Max(1_000_000) int maxTokensCap,
        @DefaultValue("3") @Min(1) @Max(10) int maxAttempts,
        @DefaultValue("500ms") Duration backoff,
        @DefaultValue("30s") Duration maxRetryAfter,
        @DefaultValue Map<String, Price> prices) {

    /** Kinds of upstream. */
    public enum ProviderType {
        /** Any OpenAI-compatible endpoint: OpenAI, Ollama, vLLM, llama.cpp server. */
        OPENAI,
        /** Anthropic's Messages API (base URL defaults to https://api.anthropic.com/v1). */
        ANTHROPIC,
        /** Answers from recorded exchanges in a directory; no network. */
        REPLAY,
        /** Calls another provider ({@code delegate}) and records each exchange for {@code replay}. */
        RECORD
    }

    /**
     * @param baseUrl e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}
     * @param apiKey sent as a bearer token; never logged
     * @param model the model name sent upstream (the agent's choice is replaced)
     * @param directory recorded exchanges, for {@code replay} and {@code record}
     * @param delegate the provider a {@code record} provider calls
     * @param timeout per attempt
     */
    public record Provider(
            @NotNull ProviderType type,
            URI baseUrl,
            String apiKey,
            @DefaultValue("default") String model,
            Path directory,
            String delegate,
            @DefaultValue("60s") Duration timeout) {

        @Override
        public String toString() {
            return "Provider[type=%s, baseUrl=%s, model=%s, apiKey=%s]"
                    .formatted(type, baseUrl, model, apiKey == null || apiKey.isEmpty() ? "none" : "hidden");
        }
    }

    public record Price(double inputPerMillion, double outputPerMillion) {}
}
