package dev.xpfleet.orchestrator.api;

/** What a token may do; each role includes the ones before it. */
public enum ApiRole {
    VIEWER,
    /** An agent service: reads tasks and calls the model gateway. */
    AGENT,
    OPERATOR,
    ADMIN;

    public boolean allows(ApiRole needed) {
        return compareTo(needed) >= 0;
    }
}
