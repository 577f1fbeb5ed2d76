package dev.xpfleet.orchestrator.api;

import jakarta.servlet.http.HttpServletRequest;

/** Role checks for the authenticated caller the filter put on the request. */
final class Callers {

    private Callers() {}

    static ApiTokens.Caller require(HttpServletRequest request, ApiRole needed) {
        ApiTokens.Caller caller = (ApiTokens.Caller) request.getAttribute(ApiAuthFilter.CALLER);
        if (caller == null || !caller.role().allows(needed)) {
            throw new ForbiddenException("this needs the " + needed.name().toLowerCase() + " role");
        }
        return caller;
    }

    static final class ForbiddenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ForbiddenException(String message) {
            super(message);
        }
    }
}
