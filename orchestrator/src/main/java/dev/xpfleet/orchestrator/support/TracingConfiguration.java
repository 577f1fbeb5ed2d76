package dev.xpfleet.orchestrator.support;

import dev.xpfleet.common.consumer.MicrometerTraceContinuation;
import dev.xpfleet.common.consumer.TraceContinuation;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One trace per task: a message the orchestrator writes carries the traceparent of the span it is
 * written in (the webhook's or REST call's request, or the applied result's), and the results
 * consumer continues each result's trace. The same {@link TraceContinuation} the agents use.
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    @Bean
    TraceContinuation traceContinuation(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Tracer t = tracer.getIfUnique();
        Propagator p = propagator.getIfUnique();
        return t != null && p != null ? new MicrometerTraceContinuation(t, p) : TraceContinuation.NONE;
    }
}
