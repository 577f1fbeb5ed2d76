package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.Envelope;
import java.util.Set;

/**
 * Does one kind of work. Must be idempotent on {@link HandlerContext#idempotencyKey()}: after a
 * crash the same envelope may be handled again, elsewhere.
 */
public interface MessageHandler {

    /** The envelope types this handler accepts. */
    Set<String> types();

    /**
     * @return the outcome to report; throwing means "try again" (up to the delivery limit)
     */
    HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception;
}
