package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.StreamNames;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;

/** Builds consumers and reads streams for the runtime's tests. */
final class ConsumerFixture implements AutoCloseable {

    final StreamNames names;
    final RedisURI uri;
    final RedisClient client;
    final StatefulRedisConnection<String, String> connection;
    final RedisCommands<String, String> redis;

    ConsumerFixture(String host, int port, String prefix) {
        this.names = new StreamNames(prefix);
        this.uri = RedisURI.builder()
                .withHost(host)
                .withPort(port)
                .withTimeout(Duration.ofSeconds(5))
                .build();
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.redis = connection.sync();
    }

    static ConsumerProperties fastProperties(String instanceId, int concurrency, int maxDeliveries) {
        return new ConsumerProperties(
                instanceId,
                concurrency,
                Duration.ofMillis(200),
                Duration.ofMillis(300),
                Duration.ofMillis(1500),
                Duration.ofMillis(500),
                maxDeliveries,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofHours(1),
                Duration.ofSeconds(5),
                10_000);
    }

    StreamConsumer consumer(AgentRole role, ConsumerProperties props, MessageHandler... handlers) {
        return consumer(uri, new SimpleMeterRegistry(), role, props, handlers);
    }

    /** A consumer that reaches Redis at {@code via} (a proxy, say) and reports to {@code metrics}. */
    StreamConsumer consumer(
            RedisURI via, MeterRegistry metrics, AgentRole role, ConsumerProperties props, MessageHandler... handlers) {
        return new StreamConsumer(via, names, role, props, new HandlerRegistry(role, List.of(handlers)), metrics);
    }

    Envelope send(AgentRole role, Envelope envelope) {
        redis.xadd(names.tasks(role), EnvelopeCodec.toFields(envelope));
        return envelope;
    }

    @SuppressWarnings("unchecked")
    List<AgentResult> results() {
        return redis.xread(XReadArgs.StreamOffset.from(names.results(), "0")).stream()
                .map(StreamMessage::getBody)
                .map(EnvelopeCodec::fromFields)
                .map(AgentResult::fromEnvelope)
                .toList();
    }

    @SuppressWarnings("unchecked")
    List<StreamMessage<String, String>> deadLetters(AgentRole role) {
        return redis.xread(XReadArgs.StreamOffset.from(names.deadLetter(role), "0"));
    }

    long pending(AgentRole role) {
        return redis.xpending(names.tasks(role), names.group(role)).getCount();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
