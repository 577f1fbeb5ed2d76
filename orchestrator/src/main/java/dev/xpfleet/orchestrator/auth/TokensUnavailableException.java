package dev.xpfleet.orchestrator.auth;

import org.springframework.security.core.AuthenticationException;

/**
 * The bearer token could not be checked because the database is away: not the caller's fault, so
 * it is answered 503 with a Retry-After ({@link ProblemResponses}), not 401. Not an {@code
 * AuthenticationServiceException}, which Spring Security's filter rethrows as a server error.
 */
final class TokensUnavailableException extends AuthenticationException {

    private static final long serialVersionUID = 1L;

    TokensUnavailableException(Throwable cause) {
        super("the database is unavailable; try again shortly", cause);
    }
}
