package dev.xpfleet.orchestrator.forge.github;

import java.io.IOException;
import java.time.Clock;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The GitHub forge, when {@code fleet.forge.github.token} or {@code fleet.forge.github.app-id} is
 * set: then it is the forge approved changes go to (the local forge, when also configured, keeps its
 * own REST API).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GitHubProperties.class)
public class GitHubForgeConfiguration {

    @Bean
    @Primary
    @ConditionalOnExpression("'${fleet.forge.github.token:}' != '' or '${fleet.forge.github.app-id:}' != ''")
    GitHubForge gitHubForge(GitHubProperties props) throws IOException {
        return create(props, Clock.systemUTC());
    }

    /** A GitHub forge for these settings: token or App authentication, rate limits honoured. */
    public static GitHubForge create(GitHubProperties props, Clock clock) throws IOException {
        GitHubBuilder builder = new GitHubBuilder()
                .withEndpoint(props.apiUrl())
                .withRateLimitHandler(RateLimits.primary(props.maxRateLimitWait()))
                .withAbuseLimitHandler(RateLimits.secondary(props.maxRateLimitWait()));
        GitHubForge.Credentials credentials;
        if (props.token() != null && !props.token().isBlank()) {
            builder.withOAuthToken(props.token());
            credentials = props::token;
        } else {
            if (props.installationId() == null || props.privateKey() == null) {
                throw new IllegalStateException(
                        "fleet.forge.github.app-id needs installation-id and private-key (a PEM file) as well");
            }
            AppInstallationAuth app = new AppInstallationAuth(
                    props.apiUrl(), props.appId(), props.installationId(), props.privateKey(), clock);
            builder.withAuthorizationProvider(app);
            credentials = app::token;
        }
        GitHub github = builder.build();
        return new GitHubForge(github, props, credentials);
    }
}
