package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.StreamNames;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway agent process for failure tests: consumes the dev stream with a handler that counts
 * its calls in Redis and then works for a while. Arguments: host port prefix instanceId workMillis.
 */
public final class TestAgentMain {

    private TestAgentMain() {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String prefix = args[2];
        String instance = args[3];
        long workMillis = Long.parseLong(args[4]);
        RedisURI uri = RedisURI.builder()
                .withHost(host)
                .withPort(port)
                .withTimeout(Duration.ofSeconds(5))
                .build();
        RedisClient counterClient = RedisClient.create(uri);
        StatefulRedisConnection<String, String> counter = counterClient.connect();
        MessageHandler handler = new MessageHandler() {
            @Override
            public Set<String> types() {
                return Set.of("dev.work");
            }

            @Override
            public HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
                counter.sync().incr(prefix + "calls:" + context.idempotencyKey());
                TimeUnit.MILLISECONDS.sleep(workMillis);
                return HandlerResult.completed(null);
            }
        };
        ConsumerProperties props = ConsumerFixture.fastProperties(instance, 32, 5);
        StreamConsumer consumer = new StreamConsumer(
                uri,
                new StreamNames(prefix),
                AgentRole.DEV,
                props,
                new HandlerRegistry(AgentRole.DEV, List.of(handler)),
                new SimpleMeterRegistry());
        consumer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(consumer::close));
        new CountDownLatch(1).await();
    }
}
