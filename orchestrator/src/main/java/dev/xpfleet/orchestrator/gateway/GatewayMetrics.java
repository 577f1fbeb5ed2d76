package dev.xpfleet.orchestrator.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * {@code fleet.model.tokens{direction,role,model,repository}}, {@code fleet.model.cost} (USD,
 * from the price table), {@code fleet.model.latency{role,model,outcome}}, {@code
 * fleet.model.errors{role,model,reason}}, {@code fleet.model.budget.refused{budget}}.
 */
@Component
class GatewayMetrics {

    private final MeterRegistry meters;
    private final GatewayProperties props;

    GatewayMetrics(MeterRegistry meters, GatewayProperties props) {
        this.meters = meters;
        this.props = props;
    }

    void answered(String role, String model, String repository, long in, long out, Duration latency) {
        meters.counter("fleet.model.tokens", "direction", "in", "role", role, "model", model, "repository", repository)
                .increment(in);
        meters.counter("fleet.model.tokens", "direction", "out", "role", role, "model", model, "repository", repository)
                .increment(out);
        GatewayProperties.Price price = props.prices().get(model);
        if (price != null) {
            meters.counter("fleet.model.cost", "role", role, "model", model, "repository", repository)
                    .increment((in * price.inputPerMillion() + out * price.outputPerMillion()) / 1_000_000.0);
        }
        latency(role, model, "answered", latency);
    }

    void failed(String role, String model, String reason, Duration latency) {
        meters.counter("fleet.model.errors", "role", role, "model", model, "reason", reason)
                .increment();
        latency(role, model, "failed", latency);
    }

    void refused(String budget) {
        meters.counter("fleet.model.budget.refused", "budget", budget).increment();
    }

    private void latency(String role, String model, String outcome, Duration latency) {
        Timer.builder("fleet.model.latency")
                .tag("role", role)
                .tag("model", model)
                .tag("outcome", outcome)
                .register(meters)
                .record(latency);
    }
}
