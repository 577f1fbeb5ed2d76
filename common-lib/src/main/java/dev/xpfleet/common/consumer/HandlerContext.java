package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.AgentRole;

/**
 * @param idempotencyKey the envelope's event id: pass it to every side effect
 * @param role the role consuming
 * @param consumer this instance's consumer name
 * @param delivery how often this entry was delivered, this time included (1 = first)
 * @param traceparent W3C trace context of the envelope, or null
 */
public record HandlerContext(
        String idempotencyKey, AgentRole role, String consumer, long delivery, String traceparent) {}
