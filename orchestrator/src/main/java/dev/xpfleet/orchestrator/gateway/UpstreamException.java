package dev.xpfleet.orchestrator.gateway;

import java.time.Duration;

/** An upstream call that did not give a usable answer, with what kind of trouble it was. */
final class UpstreamException extends Exception {

    private static final long serialVersionUID = 1L;

    enum Kind {
        RATE_LIMITED(true),
        SERVER_ERROR(true),
        TIMEOUT(true),
        UNREACHABLE(true),
        REJECTED(false),
        MALFORMED(false),
        REPLAY_MISS(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }
    }

    private final Kind kind;
    private final transient Duration retryAfter;

    UpstreamException(Kind kind, String message) {
        this(kind, message, null);
    }

    UpstreamException(Kind kind, String message, Duration retryAfter) {
        super(message);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    Kind kind() {
        return kind;
    }

    boolean retryable() {
        return kind.retryable;
    }

    /** What the upstream asked for (429 or 503 with Retry-After), or null. */
    Duration retryAfter() {
        return retryAfter;
    }
}
