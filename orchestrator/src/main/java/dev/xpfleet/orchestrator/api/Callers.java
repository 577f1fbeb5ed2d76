package dev.xpfleet.orchestrator.api;

import jakarta.servlet.http.HttpServletRequest;

/** Role checks for the authenticated caller the filter put on the request. */
public final class Callers {

    private Callers() {}

    public static ApiTokens.Caller require(HttpServletRequest request, ApiRole needed) {
        ApiTokens.Caller caller = (ApiTokens.Caller) request.getAttribute(ApiAuthFilter.CALLER);
        if (caller == null || !caller.role().allows(needed)) {
            throw new ForbiddenException("this needs the " + needed.name().toLowerCase() + " role");
        }
        return caller;
    }

    public static final class ForbiddenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ForbiddenException(String message) {
            super(message);
        }
    }
}
