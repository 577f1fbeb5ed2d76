package dev.xpfleet.orchestrator.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request but health and the signed webhook needs {@code Authorization: Bearer <token>}.
 * The caller is put on the request for the controllers' role checks.
 */
class ApiAuthFilter extends OncePerRequestFilter {

    static final String CALLER = ApiAuthFilter.class.getName() + ".caller";

    private final ApiTokens tokens;

    ApiAuthFilter(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/health")
                || path.equals("/actuator/health")
                || path.startsWith("/actuator/health/")
                || path.equals("/webhooks/github");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        Optional<ApiTokens.Caller> caller = header != null && header.startsWith("Bearer ")
                ? tokens.find(header.substring("Bearer ".length()).strip())
                : Optional.empty();
        if (caller.isEmpty()) {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer");
            response.setContentType("application/problem+json");
            response.getWriter()
                    .write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                            + "\"detail\":\"a valid bearer token is required\"}");
            return;
        }
        request.setAttribute(CALLER, caller.get());
        chain.doFilter(request, response);
    }
}
