package dev.xpfleet.orchestrator.forge;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ForgeProperties.class)
class ForgeConfiguration {

    @Bean
    @ConditionalOnProperty("fleet.forge.local-root")
    LocalForge localForge(ForgeProperties props, JdbcClient jdbc, TransactionTemplate tx) {
        return new LocalForge(props.localRoot(), jdbc, tx);
    }
}
