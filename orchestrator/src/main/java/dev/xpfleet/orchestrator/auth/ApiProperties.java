package dev.xpfleet.orchestrator.auth;

import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param bootstrapAdminToken an admin token accepted from startup on (stored hashed as
 *     "bootstrap-admin"), so the first real tokens can be created; optional, never logged
 * @param bootstrapAgentToken a token of the agent role accepted from startup on (stored hashed as
 *     "bootstrap-agent"): what the agent services present, so they need no admin token; optional,
 *     never logged
 * @param bootstrapScraperToken a token of the scraper role accepted from startup on (stored hashed
 *     as "bootstrap-scraper"): what Prometheus presents, so a stack can be deployed with every
 *     secret made beforehand; optional, never logged
 */
@Validated
@ConfigurationProperties("fleet.api")
public record ApiProperties(
        @Size(min = 32, message = "must be at least 32 characters")
        String bootstrapAdminToken,

        @Size(min = 32, message = "must be at least 32 characters")
        String bootstrapAgentToken,

        @Size(min = 32, message = "must be at least 32 characters")
        String bootstrapScraperToken) {

    public ApiProperties {
        // An empty setting (an unset variable exported as "") means none, not a short token.
        bootstrapAdminToken = blankIsNone(bootstrapAdminToken);
        bootstrapAgentToken = blankIsNone(bootstrapAgentToken);
        bootstrapScraperToken = blankIsNone(bootstrapScraperToken);
    }

    private static String blankIsNone(String token) {
        return token == null || token.isBlank() ? null : token;
    }

    @Override
    public String toString() {
        return "ApiProperties[bootstrapAdminToken=" + (bootstrapAdminToken == null ? "none" : "***")
                + ", bootstrapAgentToken=" + (bootstrapAgentToken == null ? "none" : "***")
                + ", bootstrapScraperToken=" + (bootstrapScraperToken == null ? "none" : "***") + "]";
    }
}
