package dev.xpfleet.common.stream;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The one record carried by every stream entry. Consumers dedupe on {@link #eventId()}; the W3C
 * {@link #traceparent()} continues the trace across services.
 *
 * @param version schema version of the envelope itself
 * @param eventId UUIDv7, unique per message
 * @param type what the message asks or reports, e.g. {@code dev.implement} or {@code agent.result}
 * @param taskId the task it belongs to
 * @param sessionId pair session, or null
 * @param iteration the task's iteration (1-based)
 * @param attempt how often this step was tried (1-based)
 * @param traceparent W3C trace context, or null
 * @param createdAt when the message was created
 * @param payload type-specific content
 */
public record Envelope(
        int version,
        UUID eventId,
        String type,
        UUID taskId,
        UUID sessionId,
        int iteration,
        int attempt,
        String traceparent,
        Instant createdAt,
        JsonNode payload) {

    public static final int CURRENT_VERSION = 1;

    public Envelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(createdAt, "createdAt");
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("type must not be blank");
        }
        if (iteration < 0 || attempt < 0) {
            throw new IllegalArgumentException("iteration and attempt must not be negative");
        }
        payload = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
    }

    /** A new message for a task, with a fresh event id. */
    public static Envelope create(String type, UUID taskId, int iteration, JsonNode payload) {
        return new Envelope(
                CURRENT_VERSION, UuidV7.next(), type, taskId, null, iteration, 1, null, Instant.now(), payload);
    }

    public Envelope withTraceparent(String value) {
        return new Envelope(version, eventId, type, taskId, sessionId, iteration, attempt, value, createdAt, payload);
    }

    public Envelope withSessionId(UUID value) {
        return new Envelope(version, eventId, type, taskId, value, iteration, attempt, traceparent, createdAt, payload);
    }
}
