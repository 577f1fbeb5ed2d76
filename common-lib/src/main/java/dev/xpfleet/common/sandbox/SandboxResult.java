package dev.xpfleet.common.sandbox;

/**
 * How a sandboxed command ended.
 *
 * @param exitCode the command's exit code (-1 when it never ran)
 * @param output the last part of what it printed (stdout and stderr together)
 * @param peakMemoryBytes the most memory everything it started used at once (the cgroup's high
 *     water mark), 0 when unknown
 */
public record SandboxResult(Outcome outcome, int exitCode, String output, long millis, long peakMemoryBytes) {

    public SandboxResult(Outcome outcome, int exitCode, String output, long millis) {
        this(outcome, exitCode, output, millis, 0);
    }

    public enum Outcome {
        /** Ran to the end; the exit code says how it went. */
        COMPLETED,
        TIMEOUT,
        OUT_OF_MEMORY,
        TOO_MANY_PROCESSES,
        SANDBOX_UNAVAILABLE
    }

    /** A sentence a developer can act on when the run did not complete. */
    public String reason() {
        return switch (outcome) {
            case COMPLETED -> exitCode == 0 ? "passed" : "exited with " + exitCode;
            case TIMEOUT -> "stopped after the time limit (" + millis + " ms)";
            case OUT_OF_MEMORY -> "killed: it used more memory than allowed";
            case TOO_MANY_PROCESSES -> "stopped: it started more processes than allowed";
            case SANDBOX_UNAVAILABLE -> "the sandbox could not start: " + output;
        };
    }
}
