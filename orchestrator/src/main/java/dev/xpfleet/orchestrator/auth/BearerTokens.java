package dev.xpfleet.orchestrator.auth;

import jakarta.servlet.http.HttpServletRequest;

/** Reads {@code Authorization: Bearer <token>}; no header is no authentication attempt. */
final class BearerTokens {

    private static final String PREFIX = "Bearer ";

    private BearerTokens() {}

    static TokenAuthentication read(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return null;
        }
        if (!header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            // Another scheme (Basic...): refused as "no valid bearer token", not ignored.
            return TokenAuthentication.unauthenticated("");
        }
        return TokenAuthentication.unauthenticated(
                header.substring(PREFIX.length()).strip());
    }
}
