package dev.xpfleet.orchestrator.forge.github;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
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
                // No call hangs: at most 10 s to connect, fleet.forge.github.timeout for an answer.
                .withConnector(new TimedConnector(
                        props.timeout().compareTo(Duration.ofSeconds(10)) < 0
                                ? props.timeout()
                                : Duration.ofSeconds(10),
                        props.timeout()))
                .withRateLimitHandler(RateLimits.primary(props.maxRateLimitWait()))
                .withAbuseLimitHandler(RateLimits.secondary(props.maxRateLimitWait()));
        if (props.token() != null && !props.token().isBlank()) {
            GitHub github = builder.withOAuthToken(props.token()).build();
            return new GitHubForge(github, props, new TokenCredentials(props.token(), github));
        }
        if (props.installationId() == null || props.privateKey() == null) {
            throw new IllegalStateException(
                    "fleet.forge.github.app-id needs installation-id and private-key (a PEM file) as well");
        }
        AppInstallationAuth app = new AppInstallationAuth(
                props.apiUrl(), props.appId(), props.installationId(), props.privateKey(), clock);
        return new GitHubForge(builder.withAuthorizationProvider(app).build(), props, app);
    }

    /** A personal or fine-grained token: the fleet's login is the token's user. */
    private static final class TokenCredentials implements GitHubForge.Credentials {
        private final String token;
        private final GitHub github;
        private volatile String login;

        TokenCredentials(String token, GitHub github) {
            this.token = token;
            this.github = github;
        }

        @Override
        public String token() {
            return token;
        }

        @Override
        public String login() throws IOException {
            if (login == null) {
                login = github.getMyself().getLogin();
            }
            return login;
        }

        @Override
        public String cloneToken(String repository) {
            return token;
        }
    }
}
