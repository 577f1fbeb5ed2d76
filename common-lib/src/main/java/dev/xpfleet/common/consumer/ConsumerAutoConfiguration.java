package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.RedisUris;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.StreamProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Runs the consumer of {@code fleet.agent.role} with every {@link MessageHandler} bean of the
 * service. It starts after the web server (so health answers first) and stops before it.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnProperty("fleet.agent.role")
@EnableConfigurationProperties({AgentProperties.class, ConsumerProperties.class})
public class ConsumerAutoConfiguration {

    @Bean
    StreamConsumer streamConsumer(
            AgentProperties agent,
            ConsumerProperties consumer,
            StreamProperties streams,
            DataRedisConnectionDetails redis,
            List<MessageHandler> handlers,
            MeterRegistry meterRegistry,
            ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator) {
        Tracer t = tracer.getIfUnique();
        Propagator p = propagator.getIfUnique();
        TraceContinuation tracing =
                t != null && p != null ? new MicrometerTraceContinuation(t, p) : TraceContinuation.NONE;
        return new StreamConsumer(
                RedisUris.from(redis),
                new StreamNames(streams),
                agent.role(),
                consumer,
                new HandlerRegistry(agent.role(), handlers),
                meterRegistry,
                tracing);
    }

    @Bean
    SmartLifecycle streamConsumerLifecycle(StreamConsumer consumer) {
        return new SmartLifecycle() {
            @Override
            public void start() {
                consumer.start();
            }

            @Override
            public void stop() {
                consumer.close();
            }

            @Override
            public boolean isRunning() {
                return consumer.isRunning();
            }

            @Override
            public int getPhase() {
                // After the web server's phase: health is served before work is taken, and graceful
                // shutdown stops taking work first.
                return Integer.MAX_VALUE - 100;
            }
        };
    }
}
