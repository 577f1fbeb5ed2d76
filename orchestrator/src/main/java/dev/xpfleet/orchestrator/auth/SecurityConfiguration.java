package dev.xpfleet.orchestrator.auth;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The API's security: every request but health and the signed webhook carries {@code
 * Authorization: Bearer <token>}, authenticated by {@link TokenAuthenticationProvider} and
 * authorised by the path table of {@link AccessRules}. Stateless: no session, no cookie, no CSRF
 * token (no browser session to ride on), no login page.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiProperties.class)
class SecurityConfiguration {

    @Bean
    TokenAuthenticationProvider tokenAuthenticationProvider(ApiTokens tokens) {
        return new TokenAuthenticationProvider(tokens);
    }

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, TokenAuthenticationProvider provider) throws Exception {
        ProblemResponses problems = new ProblemResponses();
        AuthenticationManager manager = new ProviderManager(provider);
        AuthenticationFilter bearer = new AuthenticationFilter(manager, BearerTokens::read);
        bearer.setRequestMatcher(new NegatedRequestMatcher(open()));
        bearer.setSuccessHandler((request, response, authentication) -> {});
        bearer.setFailureHandler(new AuthenticationEntryPointFailureHandler(problems));
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .addFilterAt(bearer, BasicAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .authorizeHttpRequests(requests -> {
                    requests.requestMatchers(open()).permitAll();
                    for (AccessRules.Rule rule : AccessRules.RULES) {
                        requests.requestMatchers(rule.matcher())
                                .hasRole(rule.role().name());
                    }
                    requests.anyRequest().denyAll();
                });
        return http.build();
    }

    @Bean
    ApplicationRunner bootstrapTokens(ApiProperties props, ApiTokens tokens) {
        return args -> {
            if (props.bootstrapAdminToken() != null) {
                tokens.ensureBootstrap("bootstrap-admin", ApiRole.ADMIN, props.bootstrapAdminToken());
            }
            if (props.bootstrapAgentToken() != null) {
                tokens.ensureBootstrap("bootstrap-agent", ApiRole.AGENT, props.bootstrapAgentToken());
            }
            if (props.bootstrapScraperToken() != null) {
                tokens.ensureBootstrap("bootstrap-scraper", ApiRole.SCRAPER, props.bootstrapScraperToken());
            }
        };
    }

    /** The paths anyone may call: health, and the webhook (its signature is checked instead). */
    private static RequestMatcher open() {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        List<RequestMatcher> open = new ArrayList<>();
        AccessRules.PUBLIC.forEach(path -> open.add(paths.matcher(path)));
        open.add(paths.matcher(HttpMethod.POST, AccessRules.WEBHOOK));
        return new OrRequestMatcher(open);
    }
}
