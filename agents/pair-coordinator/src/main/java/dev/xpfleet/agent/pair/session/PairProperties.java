package dev.xpfleet.agent.pair.session;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code fleet.pair.*}.
 *
 * @param orchestratorUrl where fencing tokens are asked for, e.g. {@code http://orchestrator:8080}
 * @param orchestratorToken an API token of the agent role (never logged)
 * @param lockTtl how long the session's lock lives unless renewed; a crashed coordinator's session
 *     is taken over after at most this long
 */
@ConfigurationProperties("fleet.pair")
public record PairProperties(
        URI orchestratorUrl,
        String orchestratorToken,
        @DefaultValue("30s") Duration lockTtl) {

    @Override
    public String toString() {
        return "PairProperties[orchestratorUrl=" + orchestratorUrl + ", orchestratorToken="
                + (orchestratorToken == null ? "null" : "***") + ", lockTtl=" + lockTtl + "]";
    }
}
