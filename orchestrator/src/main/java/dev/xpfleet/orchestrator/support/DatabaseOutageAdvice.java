package dev.xpfleet.orchestrator.support;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A request that met the database away (restarting, unreachable) is answered 503 with a
 * Retry-After, as problem details (OpenAI's error shape on /v1), not 500: its transaction did not
 * commit, the caller may ask again, and clients (the agents, the demo, a proxy) wait instead of
 * giving up. A connection lost at the commit itself is not one of these: whether the commit
 * happened is unknown, so it stays a 500 and is not offered for a retry. Any other database failure
 * is passed on untouched.
 */
@RestControllerAdvice
class DatabaseOutageAdvice {

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutageAdvice.class);
    static final String RETRY_AFTER_SECONDS = "5";

    /**
     * The commit itself failed (not the work before it): Spring's transaction managers name the
     * step "JDBC commit" whether they translate the SQLException (JdbcTransactionManager, Boot's
     * default) or wrap it (DataSourceTransactionManager).
     */
    static boolean atCommit(RuntimeException e) {
        return e.getMessage() != null && e.getMessage().startsWith("JDBC commit");
    }

    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<Object> outage(RuntimeException e, HttpServletRequest request) {
        if (!DatabaseOutage.causes(e) || atCommit(e)) {
            throw e; // not an outage, or one whose outcome is unknown: handled as without this advice
        }
        log.warn(
                "{} {}: database unavailable ({}); answered 503",
                request.getMethod(),
                request.getRequestURI(),
                e.getClass().getSimpleName());
        String detail = "the database is unavailable; try again shortly";
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        if (request.getRequestURI().startsWith("/v1/")) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", detail);
            error.put("type", "service_unavailable");
            error.put("code", "database_unavailable");
            return answer.contentType(MediaType.APPLICATION_JSON).body(Map.of("error", error));
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setInstance(URI.create(request.getRequestURI()));
        return answer.contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
