package dev.xpfleet.orchestrator.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a refused request is answered: problem details (RFC 9457) on the REST API, OpenAI's error
 * shape on the /v1 model gateway (its clients read that), never a login page or a redirect.
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** No token, or one that is unknown or revoked: 401. */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (e instanceof TokensUnavailableException) {
            response.setHeader("Retry-After", "5");
            write(request, response, HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable", e.getMessage());
            return;
        }
        response.setHeader("WWW-Authenticate", "Bearer");
        write(request, response, HttpStatus.UNAUTHORIZED, "authentication_error", "a valid bearer token is required");
    }

    /** A valid token whose role does not include the one the path needs: 403 naming that role. */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String detail = AccessRules.of(request)
                .map(rule -> "this needs the " + rule.role().label() + " role")
                .orElse("no role may call this path");
        write(request, response, HttpStatus.FORBIDDEN, "permission_error", detail);
    }

    private static void write(
            HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type, String detail)
            throws IOException {
        response.setStatus(status.value());
        if (request.getRequestURI().startsWith("/v1/")) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", detail);
            error.put("type", type);
            error.put("code", type);
            response.setContentType("application/json");
            JSON.writeValue(response.getOutputStream(), Map.of("error", error));
            return;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(java.net.URI.create(request.getRequestURI()));
        response.setContentType("application/problem+json");
        JSON.writeValue(response.getOutputStream(), problem);
    }
}
