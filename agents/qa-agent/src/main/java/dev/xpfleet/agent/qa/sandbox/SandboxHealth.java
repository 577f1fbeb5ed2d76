package dev.xpfleet.agent.qa.sandbox;

import dev.xpfleet.common.sandbox.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health {@code sandbox}, part of readiness: a QA agent that cannot sandbox repository code is not
 * ready to judge it, unless an operator allowed running it unsandboxed. Says which at startup.
 */
@Component("sandbox")
class SandboxHealth implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(SandboxHealth.class);

    private final SandboxProperties props;

    SandboxHealth(SandboxProperties props) {
        this.props = props;
        String reason = Sandbox.unavailableReason();
        if (reason == null) {
            log.info("Sandbox ready: repository code runs as nobody, without network, in {}", Sandbox.kind());
        } else if (props.allowUnsandboxed()) {
            log.warn(
                    "NO SANDBOX ({}); fleet.qa.allow-unsandboxed=true, so repository code will run unconfined", reason);
        } else {
            log.error(
                    "No sandbox ({}): untrusted repository code will be refused (fleet.qa.allow-unsandboxed=false)",
                    reason);
        }
    }

    @Override
    public Health health() {
        String reason = Sandbox.unavailableReason();
        if (reason == null) {
            return Health.up().withDetail("sandbox", Sandbox.kind()).build();
        }
        return props.allowUnsandboxed()
                ? Health.up()
                        .withDetail("sandbox", "none, allowed by fleet.qa.allow-unsandboxed")
                        .build()
                : Health.down().withDetail("reason", reason).build();
    }
}
