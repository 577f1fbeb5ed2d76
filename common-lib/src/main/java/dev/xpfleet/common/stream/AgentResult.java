package dev.xpfleet.common.stream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The payload of every {@value #TYPE} envelope on the results stream.
 *
 * @param role who handled it
 * @param inputEventId the event id of the envelope that asked for the work
 * @param inputType its type
 * @param outcome how it ended
 * @param reason why it failed, or null
 * @param deliveries how often the entry was delivered
 * @param consumer the consumer that reported
 * @param output the handler's output
 */
public record AgentResult(
        String role,
        UUID inputEventId,
        String inputType,
        Outcome outcome,
        String reason,
        long deliveries,
        String consumer,
        JsonNode output) {

    public static final String TYPE = "agent.result";

    public enum Outcome {
        COMPLETED,
        FAILED,
        DEAD_LETTERED
    }

    /**
     * The result's envelope. Its event id is derived from the input's event id and the role, so a
     * result reported twice (a handler re-run after a crash) carries the same id and the orchestrator
     * drops the second.
     */
    public Envelope toEnvelope(Envelope input) {
        return toEnvelope(input, input.traceparent());
    }

    /** The result's envelope, carrying the trace on from {@code traceparent} (the handler's span). */
    public Envelope toEnvelope(Envelope input, String traceparent) {
        UUID eventId = UUID.nameUUIDFromBytes((role + ":" + input.eventId()).getBytes(StandardCharsets.UTF_8));
        return new Envelope(
                Envelope.CURRENT_VERSION,
                eventId,
                TYPE,
                input.taskId(),
                input.sessionId(),
                input.iteration(),
                input.attempt(),
                traceparent,
                Instant.now(),
                EnvelopeCodec.mapper().valueToTree(this));
    }

    public static AgentResult fromEnvelope(Envelope envelope) {
        if (!TYPE.equals(envelope.type())) {
            throw new MalformedEnvelopeException("not a result envelope: " + envelope.type());
        }
        return EnvelopeCodec.mapper().treeToValue(envelope.payload(), AgentResult.class);
    }
}
