package dev.xpfleet.orchestrator.results;

import dev.xpfleet.common.consumer.StreamConsumer;
import dev.xpfleet.common.consumer.TraceContinuation;
import dev.xpfleet.common.stream.RedisUris;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.StreamProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every replica reads the results stream with the agents' consumer runtime, as a sink. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResultsProperties.class)
class ResultsConfiguration {

    /** The results stream's consumer group: one consumer per replica. */
    static final String GROUP = "orchestrator";

    @Bean
    StreamConsumer resultsConsumer(
            DataRedisConnectionDetails redis,
            StreamProperties streams,
            ResultsProperties props,
            ResultApplier applier,
            MeterRegistry meters,
            TraceContinuation tracing) {
        StreamNames names = new StreamNames(streams);
        StreamConsumer.Subscription subscription =
                new StreamConsumer.Subscription("orchestrator", names.results(), GROUP, names.prefix() + "dlq:results");
        return StreamConsumer.sink(
                RedisUris.from(redis),
                subscription,
                props.consumer(),
                new ResultSink(applier, names.results(), meters),
                meters,
                tracing);
    }

    @Bean
    SmartLifecycle resultsConsumerLifecycle(StreamConsumer resultsConsumer) {
        return new SmartLifecycle() {
            @Override
            public void start() {
                resultsConsumer.start();
            }

            @Override
            public void stop() {
                resultsConsumer.close();
            }

            @Override
            public boolean isRunning() {
                return resultsConsumer.isRunning();
            }
        };
    }
}
