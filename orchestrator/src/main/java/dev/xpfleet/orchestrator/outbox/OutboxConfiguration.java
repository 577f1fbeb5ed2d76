package dev.xpfleet.orchestrator.outbox;

import dev.xpfleet.common.consumer.TraceContinuation;
import dev.xpfleet.common.stream.RedisUris;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.StreamProperties;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OutboxProperties.class)
class OutboxConfiguration {

    @Bean
    OutboxRelay outboxRelay(
            DataSource dataSource,
            DataRedisConnectionDetails redis,
            StreamProperties streams,
            OutboxProperties props,
            MeterRegistry meters,
            TraceContinuation tracing) {
        return new OutboxRelay(dataSource, RedisUris.from(redis), new StreamNames(streams), props, meters, tracing);
    }
}
