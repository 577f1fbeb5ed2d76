package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.Envelope;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;

/** {@link TraceContinuation} over Micrometer Tracing (e.g. its OpenTelemetry bridge). */
public final class MicrometerTraceContinuation implements TraceContinuation {

    private static final String TRACEPARENT = "traceparent";

    private final Tracer tracer;
    private final Propagator propagator;

    public MicrometerTraceContinuation(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public String current() {
        Span span = tracer.currentSpan();
        if (span == null) {
            return null;
        }
        Map<String, String> outgoing = new HashMap<>();
        propagator.inject(span.context(), outgoing, Map::put);
        return outgoing.get(TRACEPARENT);
    }

    @Override
    public Traced start(Envelope input, String role) {
        Span.Builder builder = builder(input.traceparent())
                .name(role + " " + input.type())
                .kind(Span.Kind.CONSUMER)
                .tag("fleet.task", input.taskId().toString())
                .tag("fleet.event", input.eventId().toString());
        return open(builder, input.traceparent());
    }

    @Override
    public Traced resume(String traceparent, String name) {
        return open(builder(traceparent).name(name), traceparent);
    }

    private Span.Builder builder(String traceparent) {
        Map<String, String> incoming = traceparent == null ? Map.of() : Map.of(TRACEPARENT, traceparent);
        return propagator.extract(incoming, Map::get);
    }

    private Traced open(Span.Builder builder, String incoming) {
        Span span = builder.start();
        Tracer.SpanInScope scope = tracer.withSpan(span);
        Map<String, String> outgoing = new HashMap<>();
        propagator.inject(span.context(), outgoing, Map::put);
        String traceparent = outgoing.getOrDefault(TRACEPARENT, incoming);
        return new Traced() {
            @Override
            public String traceparent() {
                return traceparent;
            }

            @Override
            public void error(Throwable failure) {
                span.error(failure);
            }

            @Override
            public void close() {
                scope.close();
                span.end();
            }
        };
    }
}
