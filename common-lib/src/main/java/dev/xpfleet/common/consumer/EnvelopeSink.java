package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.Envelope;
import java.util.Set;

/**
 * The end of a stream: applies each envelope where it lands (a database, for the orchestrator's
 * results) and publishes nothing. The runtime acknowledges an entry only after {@link #apply}
 * returned, so a process that dies mid-apply leaves it pending for another consumer; {@link #apply}
 * must therefore be idempotent on the envelope's event id.
 */
public interface EnvelopeSink {

    /** The envelope types it takes; an entry of any other type goes to the dead-letter stream. */
    Set<String> types();

    /** Applies one envelope. Throwing means "try again", up to {@code max-deliveries}. */
    void apply(Envelope envelope) throws Exception;

    /**
     * Whether a failure is the sink's own trouble (its database unreachable, a connection lost)
     * rather than the envelope's: such a failure is retried until it passes, with pauses up to
     * {@code retry-backoff-max}, and never counts as a delivery, so an outage does not dead-letter
     * every envelope in flight.
     */
    default boolean isTransient(Exception failure) {
        return false;
    }

    /**
     * Told after a readable envelope went to the dead-letter stream (it failed every delivery), so
     * its task can show it. Must not throw; a failure here changes nothing in the stream.
     */
    default void deadLettered(Envelope envelope, String reason) {}
}
