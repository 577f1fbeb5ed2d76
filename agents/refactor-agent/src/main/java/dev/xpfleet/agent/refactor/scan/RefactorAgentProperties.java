package dev.xpfleet.agent.refactor.scan;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The refactor agent's settings ({@code fleet.refactor.*}).
 *
 * @param orchestratorUrl the orchestrator: clone credentials when no clone URL is set
 * @param orchestratorToken an API token of the agent role (never logged)
 * @param cloneUrl where to clone from, with {@code {repository}} (the local forge); else asked of the orchestrator
 * @param workRoot workspaces
 * @param sonarUrl SonarQube's address; unset: the built-in analysis for every repository
 * @param sonarToken a SonarQube user token with Browse on the projects (never logged)
 * @param sonarProjectKey a repository's project key, from {@code {owner}} and {@code {name}}; the
 *     orchestrator's {@code fleet.refactor.sonar-project-keys} names those it does not fit
 * @param sonarTimeout one call to SonarQube
 * @param maxGroups the most ranked groups a scan reports
 */
@Validated
@ConfigurationProperties("fleet.refactor")
public record RefactorAgentProperties(
        URI orchestratorUrl,
        String orchestratorToken,
        String cloneUrl,
        @DefaultValue(".fleet/refactor") Path workRoot,
        URI sonarUrl,
        String sonarToken,
        @DefaultValue("{owner}_{name}") String sonarProjectKey,
        @DefaultValue("30s") Duration sonarTimeout,
        @DefaultValue("50") int maxGroups) {

    /** The SonarQube project of a repository ({@code owner/name}) by the template. */
    public String projectKeyOf(String repository) {
        int slash = repository.indexOf('/');
        return sonarProjectKey
                .replace("{owner}", repository.substring(0, Math.max(slash, 0)))
                .replace("{name}", repository.substring(slash + 1));
    }

    @Override
    public String toString() {
        return "RefactorAgentProperties[orchestratorUrl=" + orchestratorUrl + ", cloneUrl=" + cloneUrl + ", sonarUrl="
                + sonarUrl + ", workRoot=" + workRoot + "]";
    }
}
