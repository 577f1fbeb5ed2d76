package dev.xpfleet.agent.pair.session;

import dev.xpfleet.agent.pair.lock.PairLock;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.StreamProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The session's lock and the orchestrator's fencing tokens, for the pair.start handler. */
@Configuration(proxyBeanMethods = false)
class PairConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PairConfiguration.class);

    @Bean
    PairLock pairLock(StringRedisTemplate redis, StreamProperties streams, PairProperties props) {
        return new PairLock(redis, new StreamNames(streams), props.lockTtl());
    }

    @Bean
    PairTurnHandler pairTurnHandler(PairLock lock, PairProperties props) {
        if (props.orchestratorUrl() == null) {
            log.warn("fleet.pair.orchestrator-url is not set: pair sessions cannot be fenced; the orchestrator refuses"
                    + " their results and fails the tasks after its restarts");
            return new PairTurnHandler(lock, null, props.lockTtl().multipliedBy(2));
        }
        if (props.orchestratorToken() == null || props.orchestratorToken().isBlank()) {
            log.warn(
                    "fleet.pair.orchestrator-token is not set: the orchestrator will refuse the fencing token requests");
        }
        return new PairTurnHandler(
                lock,
                new FenceClient(props.orchestratorUrl(), props.orchestratorToken()),
                props.lockTtl().multipliedBy(2));
    }
}
