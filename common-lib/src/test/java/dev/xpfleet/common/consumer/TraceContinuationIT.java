package dev.xpfleet.common.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.IsolatedServices;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The handler runs in a span of the envelope's trace, and the result carries that trace on. */
class TraceContinuationIT {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";

    @Test
    @SuppressWarnings("unchecked")
    void theHandlerSpanIsAChildOfTheEnvelopesTraceAndTheResultCarriesIt() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
        io.opentelemetry.api.trace.Tracer otel = provider.get("fleet-test");
        OtelTracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {});
        OtelPropagator propagator =
                new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
        AtomicReference<String> seenByHandler = new AtomicReference<>();
        MessageHandler handler = new MessageHandler() {
            @Override
            public Set<String> types() {
                return Set.of("dev.traced");
            }

            @Override
            public HandlerResult handle(Envelope envelope, HandlerContext context) {
                seenByHandler.set(context.traceparent());
                return HandlerResult.completed(null);
            }
        };

        try (IsolatedServices services = IsolatedServices.create("trace", false);
                ConsumerFixture fixture = new ConsumerFixture(
                        services.endpoints().redis().host(),
                        services.endpoints().redis().port(),
                        services.redisPrefix());
                StreamConsumer consumer = new StreamConsumer(
                        fixture.uri,
                        fixture.names,
                        AgentRole.DEV,
                        ConsumerFixture.fastProperties("c1", 1, 3),
                        new HandlerRegistry(AgentRole.DEV, List.of(handler)),
                        new SimpleMeterRegistry(),
                        new MicrometerTraceContinuation(tracer, propagator))) {
            consumer.start();
            fixture.send(
                    AgentRole.DEV,
                    Envelope.create("dev.traced", UuidV7.next(), 1, null)
                            .withTraceparent("00-" + TRACE_ID + "-" + PARENT_SPAN + "-01"));

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> exporter.getFinishedSpanItems().size() == 1);
            SpanData span = exporter.getFinishedSpanItems().get(0);
            assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN);
            assertThat(span.getName()).isEqualTo("dev dev.traced");
            String expected = "00-" + TRACE_ID + "-" + span.getSpanId() + "-01";
            assertThat(seenByHandler.get()).isEqualTo(expected);

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !fixture.results().isEmpty());
            List<StreamMessage<String, String>> results =
                    fixture.redis.xread(XReadArgs.StreamOffset.from(fixture.names.results(), "0"));
            assertThat(EnvelopeCodec.fromFields(results.get(0).getBody()).traceparent())
                    .isEqualTo(expected);
        } finally {
            provider.close();
        }
    }
}
