package dev.xpfleet.orchestrator.results;

import dev.xpfleet.common.consumer.TraceContinuation;
import dev.xpfleet.common.stream.RedisUris;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.StreamProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResultsProperties.class)
class ResultsConfiguration {

    @Bean
    ResultsConsumer resultsConsumer(
            DataRedisConnectionDetails redis,
            StreamProperties streams,
            ResultsProperties props,
            ResultApplier applier,
            MeterRegistry meters,
            TraceContinuation tracing) {
        return new ResultsConsumer(RedisUris.from(redis), new StreamNames(streams), props, applier, meters, tracing);
    }
}
