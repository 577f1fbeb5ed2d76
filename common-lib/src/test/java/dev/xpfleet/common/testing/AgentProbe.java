package dev.xpfleet.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.UuidV7;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Talks to a running agent through its streams, as the orchestrator will. */
public final class AgentProbe {

    private final IsolatedServices services;
    private final StreamNames names;
    private String lastTraceparent;

    public AgentProbe(IsolatedServices services) {
        this.services = services;
        this.names = new StreamNames(services.redisPrefix());
    }

    /**
     * Sends work of a type the agent has no handler for and expects a clear failure result that
     * continues the sender's trace in a span of the agent's own.
     */
    public void assertUnhandledTypeIsReported(AgentRole role) {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String sender = "00-" + traceId + "-00f067aa0ba902b7-01";
        Envelope envelope = Envelope.create(role.key() + ".no-such-work", UuidV7.next(), 1, null)
                .withTraceparent(sender);
        AgentResult result = request(role, envelope, Duration.ofSeconds(30));
        assertThat(result.outcome()).isEqualTo(AgentResult.Outcome.FAILED);
        assertThat(result.role()).isEqualTo(role.key());
        assertThat(result.reason()).contains("no handler for message type '" + envelope.type() + "'");
        assertThat(lastTraceparent).startsWith("00-" + traceId + "-").isNotEqualTo(sender);
    }

    /** Sends {@code envelope} to the role's stream and waits for the agent's result. */
    @SuppressWarnings("unchecked")
    public AgentResult request(AgentRole role, Envelope envelope, Duration timeout) {
        RedisClient client = RedisClient.create(RedisURI.create(
                services.endpoints().redis().host(),
                services.endpoints().redis().port()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().xadd(names.tasks(role), EnvelopeCodec.toFields(envelope));
            Envelope reported = await().atMost(timeout)
                    .until(
                            () -> find(
                                    connection.sync().xread(XReadArgs.StreamOffset.from(names.results(), "0")),
                                    envelope),
                            Optional::isPresent)
                    .orElseThrow();
            lastTraceparent = reported.traceparent();
            return AgentResult.fromEnvelope(reported);
        } finally {
            client.shutdown();
        }
    }

    private static Optional<Envelope> find(List<StreamMessage<String, String>> entries, Envelope input) {
        return entries.stream()
                .map(entry -> EnvelopeCodec.fromFields(entry.getBody()))
                .filter(result ->
                        AgentResult.fromEnvelope(result).inputEventId().equals(input.eventId()))
                .findFirst();
    }
}
