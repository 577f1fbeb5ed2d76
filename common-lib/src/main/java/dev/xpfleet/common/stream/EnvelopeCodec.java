package dev.xpfleet.common.stream;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Envelopes as stream entries: one field {@code envelope} with the JSON, plus {@code type} and
 * {@code task} for people reading the stream with redis-cli.
 */
public final class EnvelopeCodec {

    public static final String FIELD = "envelope";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EnvelopeCodec() {}

    public static String toJson(Envelope envelope) {
        return MAPPER.writeValueAsString(envelope);
    }

    public static Map<String, String> toFields(Envelope envelope) {
        return Map.of(
                FIELD,
                toJson(envelope),
                "type",
                envelope.type(),
                "task",
                envelope.taskId().toString());
    }

    /**
     * Reads an entry's envelope.
     *
     * @throws MalformedEnvelopeException when the entry is not a readable envelope of a known version
     */
    public static Envelope fromFields(Map<String, String> fields) {
        String json = fields.get(FIELD);
        if (json == null) {
            throw new MalformedEnvelopeException(
                    "entry has no '" + FIELD + "' field (fields: " + fields.keySet() + ")");
        }
        return fromJson(json);
    }

    public static Envelope fromJson(String json) {
        Envelope envelope;
        try {
            envelope = MAPPER.readValue(json, Envelope.class);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new MalformedEnvelopeException("unreadable envelope: " + e.getMessage(), e);
        }
        if (envelope.version() != Envelope.CURRENT_VERSION) {
            throw new MalformedEnvelopeException("unsupported envelope version " + envelope.version());
        }
        return envelope;
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }
}
