package dev.xpfleet.orchestrator.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What a token may do; each role includes the ones before it. */
public enum ApiRole {
    /** Prometheus: reads /actuator/prometheus and nothing else. */
    SCRAPER,
    VIEWER,
    /** An agent service: reads tasks and calls the model gateway. */
    AGENT,
    OPERATOR,
    ADMIN;

    public boolean allows(ApiRole needed) {
        return compareTo(needed) >= 0;
    }

    /** This role and every role it includes. */
    List<ApiRole> included() {
        return Arrays.stream(values()).filter(this::allows).toList();
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
