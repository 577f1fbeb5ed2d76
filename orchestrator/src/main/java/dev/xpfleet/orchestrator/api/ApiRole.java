package dev.xpfleet.orchestrator.api;

/** What a token may do; each role includes the ones before it. */
public enum ApiRole {
    VIEWER,
    OPERATOR,
    ADMIN;

    boolean allows(ApiRole needed) {
        return compareTo(needed) >= 0;
    }
}
