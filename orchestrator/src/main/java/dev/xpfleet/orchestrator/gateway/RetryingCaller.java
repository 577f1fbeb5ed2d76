package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.common.retry.Backoff;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls a provider up to {@code fleet.gateway.max-attempts} times when it answers 429 or 5xx, times
 * out, or cannot be reached: waits what its Retry-After says (up to {@code max-retry-after}),
 * otherwise a doubling backoff. Anything else fails at once.
 */
@Component
class RetryingCaller {

    private static final Logger log = LoggerFactory.getLogger(RetryingCaller.class);

    private final GatewayProperties props;

    RetryingCaller(GatewayProperties props) {
        this.props = props;
    }

    ModelProvider.Reply call(ModelProvider provider, ObjectNode request) throws UpstreamException {
        for (int attempt = 1; ; attempt++) {
            try {
                return provider.complete(request);
            } catch (UpstreamException e) {
                if (!e.retryable() || attempt >= props.maxAttempts()) {
                    throw e;
                }
                Duration pause = e.retryAfter() != null
                        ? e.retryAfter()
                        : new Backoff(props.backoff(), props.backoff().multipliedBy(1024)).after(attempt);
                if (pause.compareTo(props.maxRetryAfter()) > 0) {
                    throw new UpstreamException(
                            e.kind(),
                            e.getMessage() + " (asked to wait " + pause.toSeconds() + " s, more than"
                                    + " fleet.gateway.max-retry-after "
                                    + props.maxRetryAfter().toSeconds() + " s)");
                }
                log.info(
                        "{} attempt {} of {} failed ({}); retrying in {} ms",
                        provider.name(),
                        attempt,
                        props.maxAttempts(),
                        e.getMessage(),
                        pause.toMillis());
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
