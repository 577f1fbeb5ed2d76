package dev.xpfleet.common.stream;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The roles that consume a task stream; the stream and consumer group are named after them. */
public enum AgentRole {
    DEV,
    QA,
    REVIEW,
    REFACTOR,
    PAIR;

    /** The lower-case name used in stream keys and metric tags. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AgentRole fromKey(String key) {
        for (AgentRole role : values()) {
            if (role.key().equals(key)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown agent role '" + key + "', expected one of "
                + Arrays.stream(values()).map(AgentRole::key).collect(Collectors.joining(", ")));
    }
}
