package dev.xpfleet.orchestrator.forge;

/** A forge operation that cannot be done, with the forge's own reason. */
public class ForgeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ForgeException(String message) {
        super(message);
    }

    public ForgeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The pull request cannot be merged as it stands. */
    public static final class MergeConflict extends ForgeException {
        private static final long serialVersionUID = 1L;

        public MergeConflict(String message) {
            super(message);
        }
    }

    /** The forge cannot answer now (unreachable, a server error): worth trying again later. */
    public static class Transient extends ForgeException {
        private static final long serialVersionUID = 1L;

        public Transient(String message) {
            super(message);
        }

        public Transient(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The forge's rate limit holds the call longer than the fleet waits. */
    public static final class RateLimited extends Transient {
        private static final long serialVersionUID = 1L;

        public RateLimited(String message) {
            super(message);
        }
    }
}
