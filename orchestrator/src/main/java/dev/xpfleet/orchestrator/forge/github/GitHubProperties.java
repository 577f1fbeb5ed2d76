package dev.xpfleet.orchestrator.forge.github;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param apiUrl the REST API: {@code https://api.github.com}, or {@code https://<host>/api/v3} for
 *     GitHub Enterprise Server
 * @param token a token (fine-grained or classic) with contents, issues and pull-requests write; or
 *     leave it empty and set the App settings
 * @param appId a GitHub App's id, to authenticate as one of its installations
 * @param installationId the installation on the organisation or account that holds the repositories
 * @param privateKey the App's private key (PEM, PKCS#1 as GitHub issues it, or PKCS#8)
 * @param gitUrl where branches are pushed, {@code {repository}} standing for {@code owner/name};
 *     derived from {@code apiUrl} when empty
 * @param maxRateLimitWait how long a call may wait for a rate limit to reset (or for a secondary
 *     limit's Retry-After) before it fails with GitHub's message instead
 * @param timeout how long a call may wait for GitHub's answer (connecting: at most 10 s of it)
 */
@ConfigurationProperties("fleet.forge.github")
public record GitHubProperties(
        @DefaultValue("https://api.github.com") String apiUrl,
        String token,
        Long appId,
        Long installationId,
        Path privateKey,
        String gitUrl,
        @DefaultValue("60s") Duration maxRateLimitWait,
        @DefaultValue("60s") Duration timeout) {

    /** Whether GitHub is configured at all (a token, or an App). */
    public boolean configured() {
        return (token != null && !token.isBlank()) || appId != null;
    }

    /** The push URL of a repository. */
    public String gitUrlOf(String repository) {
        String template = gitUrl;
        if (template == null || template.isBlank()) {
            String web = apiUrl.replaceFirst("://api\\.github\\.com/?$", "://github.com")
                    .replaceFirst("/api/v3/?$", "");
            template = web + "/{repository}.git";
        }
        return template.replace("{repository}", repository);
    }
}
