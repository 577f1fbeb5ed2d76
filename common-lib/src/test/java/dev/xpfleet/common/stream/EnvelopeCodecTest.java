package dev.xpfleet.common.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class EnvelopeCodecTest {

    @Test
    void roundTripsEveryField() {
        Envelope envelope = Envelope.create(
                        "dev.implement",
                        UuidV7.next(),
                        2,
                        JsonNodeFactory.instance.objectNode().put("issue", 7))
                .withSessionId(UuidV7.next())
                .withTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        Envelope read = EnvelopeCodec.fromFields(EnvelopeCodec.toFields(envelope));

        assertThat(read).isEqualTo(envelope);
        assertThat(read.payload().get("issue").asInt()).isEqualTo(7);
    }

    @Test
    void refusesEntriesThatAreNotEnvelopes() {
        assertThatThrownBy(() -> EnvelopeCodec.fromFields(Map.of("foo", "bar")))
                .isInstanceOf(MalformedEnvelopeException.class)
                .hasMessageContaining("no 'envelope' field");
        assertThatThrownBy(() -> EnvelopeCodec.fromJson("{not json")).isInstanceOf(MalformedEnvelopeException.class);
        assertThatThrownBy(() -> EnvelopeCodec.fromJson("{\"version\":1,\"type\":\"x\"}"))
                .isInstanceOf(MalformedEnvelopeException.class);
    }

    @Test
    void refusesAnUnknownVersion() {
        String json = EnvelopeCodec.toJson(Envelope.create("x", UuidV7.next(), 1, null))
                .replace("\"version\":1", "\"version\":99");

        assertThatThrownBy(() -> EnvelopeCodec.fromJson(json))
                .isInstanceOf(MalformedEnvelopeException.class)
                .hasMessageContaining("version 99");
    }

    @Test
    void eventIdsAreVersion7AndOrderedByTime() {
        UUID earlier = UuidV7.at(1_700_000_000_000L);
        UUID later = UuidV7.at(1_700_000_000_001L);

        assertThat(earlier.version()).isEqualTo(7);
        assertThat(earlier.variant()).isEqualTo(2);
        assertThat(UuidV7.epochMillis(earlier)).isEqualTo(1_700_000_000_000L);
        assertThat(earlier.toString()).isLessThan(later.toString());
    }

    @Test
    void aResultReportedTwiceHasTheSameEventId() {
        Envelope input = Envelope.create("qa.verify", UuidV7.next(), 1, null);
        AgentResult result = new AgentResult(
                "qa", input.eventId(), input.type(), AgentResult.Outcome.COMPLETED, null, 1, "c1", null);

        assertThat(result.toEnvelope(input).eventId())
                .isEqualTo(result.toEnvelope(input).eventId());
        assertThat(AgentResult.fromEnvelope(result.toEnvelope(input)).inputEventId())
                .isEqualTo(input.eventId());
    }
}
