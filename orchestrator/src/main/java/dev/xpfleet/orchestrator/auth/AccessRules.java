package dev.xpfleet.orchestrator.auth;

import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which role each path needs: the one table of the API's permissions. Paths not listed are
 * refused, so a new endpoint is closed until it gets a rule here; the first rule that matches wins.
 */
final class AccessRules {

    /** Open without a token: health for load balancers and the webhook, which is signed instead. */
    static final List<String> PUBLIC = List.of("/health", "/actuator/health", "/actuator/health/**", "/error");

    static final String WEBHOOK = "/webhooks/github";

    record Rule(HttpMethod method, String pattern, ApiRole role, RequestMatcher matcher) {}

    /** A GET rule covers HEAD too, as HTTP expects of any GET resource. */
    private static Rule rule(HttpMethod method, String pattern, ApiRole role) {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        RequestMatcher matcher = HttpMethod.GET.equals(method)
                ? new OrRequestMatcher(paths.matcher(HttpMethod.GET, pattern), paths.matcher(HttpMethod.HEAD, pattern))
                : paths.matcher(method, pattern);
        return new Rule(method, pattern, role, matcher);
    }

    static final List<Rule> RULES = List.of(
            rule(HttpMethod.POST, "/api/tokens", ApiRole.ADMIN),
            rule(HttpMethod.DELETE, "/api/tokens/*", ApiRole.ADMIN),
            rule(null, "/api/outbox/**", ApiRole.OPERATOR),
            rule(HttpMethod.POST, "/api/tasks", ApiRole.OPERATOR),
            rule(HttpMethod.POST, "/api/tasks/*/*", ApiRole.OPERATOR),
            rule(HttpMethod.GET, "/api/tasks", ApiRole.VIEWER),
            rule(HttpMethod.GET, "/api/tasks/**", ApiRole.VIEWER),
            rule(HttpMethod.POST, "/api/refactor/runs", ApiRole.OPERATOR),
            rule(HttpMethod.GET, "/api/refactor/runs", ApiRole.VIEWER),
            rule(HttpMethod.GET, "/api/refactor/runs/*", ApiRole.VIEWER),
            rule(HttpMethod.GET, "/api/metrics/summary", ApiRole.VIEWER),
            rule(HttpMethod.POST, "/api/context/search", ApiRole.VIEWER),
            rule(HttpMethod.POST, "/api/context/index", ApiRole.AGENT),
            rule(HttpMethod.GET, "/api/forge/clone-credentials", ApiRole.AGENT),
            rule(HttpMethod.POST, "/api/pair/sessions/*/fence", ApiRole.AGENT),
            rule(HttpMethod.POST, "/api/forge/local/repositories", ApiRole.OPERATOR),
            rule(HttpMethod.POST, "/api/forge/local/repositories/*/*/issues", ApiRole.OPERATOR),
            rule(HttpMethod.GET, "/api/forge/local/repositories/*/*/pulls", ApiRole.VIEWER),
            rule(HttpMethod.GET, "/api/forge/local/repositories/*/*/pulls/**", ApiRole.VIEWER),
            rule(HttpMethod.POST, "/v1/chat/completions", ApiRole.AGENT),
            rule(HttpMethod.POST, "/v1/embeddings", ApiRole.AGENT),
            rule(HttpMethod.GET, "/actuator/prometheus", ApiRole.SCRAPER),
            rule(null, "/actuator/**", ApiRole.OPERATOR),
            rule(HttpMethod.GET, "/v3/api-docs", ApiRole.VIEWER),
            rule(HttpMethod.GET, "/v3/api-docs/**", ApiRole.VIEWER));

    private AccessRules() {}

    /** The rule a request falls under, to say which role it needed. */
    static Optional<Rule> of(jakarta.servlet.http.HttpServletRequest request) {
        return RULES.stream().filter(r -> r.matcher().matches(request)).findFirst();
    }
}
