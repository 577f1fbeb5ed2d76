package dev.xpfleet.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.OtlpReceiver;
import dev.xpfleet.common.testing.TestRedis;
import dev.xpfleet.orchestrator.webhook.WebhookClient;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * One trace per task: the webhook delivery starts it, the first step's message carries it, an
 * agent's result continues it (as the consumer runtime does), and the orchestrator applies the
 * result in a span of that trace and writes the next step's message in it too. The spans are also
 * exported over OTLP/HTTP, as to Jaeger: a receiver gets them, and they form one tree.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices(database = true)
class TaskTraceIT {

    @TestConfiguration
    static class Spans {
        @Bean
        InMemorySpanExporter spans() {
            return InMemorySpanExporter.create();
        }
    }

    static final OtlpReceiver OTLP;

    static {
        try {
            OTLP = OtlpReceiver.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void otlp(DynamicPropertyRegistry registry) {
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint", OTLP::tracesEndpoint);
    }

    @LocalServerPort
    int port;

    @Autowired
    InMemorySpanExporter spans;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    IsolatedServices services;

    @Test
    void everyStepOfATaskIsInTheTraceItsWebhookStarted() throws Exception {
        ObjectNode labelled = WebhookClient.issue("issues.labeled", "agent", "OWNER");
        assertThat(new WebhookClient(port)
                        .send("issues", UUID.randomUUID().toString(), labelled)
                        .body())
                .contains("TASK_CREATED");
        UUID task = jdbc.sql("SELECT id FROM tasks WHERE issue_number = :n")
                .param("n", labelled.path("issue").path("number").asInt())
                .query(UUID.class)
                .single();

        Envelope develop = message(task, "dev.implement");
        String traceId = traceId(develop.traceparent());
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                        .as("the webhook's request span")
                        .anySatisfy(s -> {
                            assertThat(s.getTraceId()).isEqualTo(traceId);
                            assertThat(s.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.SERVER);
                        }));

        // The developer, as the consumer runtime runs it: its handler span is a child of the message's.
        String agentSpan = "b7ad6b7169203331";
        Envelope result = new AgentResult(
                        "dev",
                        develop.eventId(),
                        develop.type(),
                        AgentResult.Outcome.COMPLETED,
                        "completed",
                        1,
                        "test",
                        (ObjectNode) EnvelopeCodec.mapper().readTree("{\"patchHash\": \"h\", \"patch\": \"p\"}"))
                .toEnvelope(develop, "00-" + traceId + "-" + agentSpan + "-01");
        try (TestRedis redis = new TestRedis(services)) {
            redis.commands().xadd(redis.names().results(), EnvelopeCodec.toFields(result));
        }

        Envelope verify =
                await().atMost(Duration.ofSeconds(20)).until(() -> messageOrNull(task, "qa.verify"), m -> m != null);
        assertThat(traceId(verify.traceparent())).as("the next step's message").isEqualTo(traceId);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                        .as("the orchestrator applies the result in a child of the agent's span")
                        .anySatisfy(s -> {
                            assertThat(s.getName()).isEqualTo("orchestrator agent.result");
                            assertThat(s.getTraceId()).isEqualTo(traceId);
                            assertThat(s.getParentSpanId()).isEqualTo(agentSpan);
                        }));
        assertThat(spans.getFinishedSpanItems())
                .as("the next step's message is written in the span that applied the result")
                .anySatisfy(s -> {
                    assertThat(s.getName()).isEqualTo("orchestrator agent.result");
                    assertThat(verify.traceparent()).isEqualTo("00-" + traceId + "-" + s.getSpanId() + "-01");
                });

        // Exported over OTLP: the webhook's span is the one root; every other span's parent is a
        // span of the trace (the agent's own, from its process, included).
        await("the task's spans exported over OTLP")
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(OTLP.spans())
                        .filteredOn(s -> s.traceId().equals(traceId))
                        .anySatisfy(s -> assertThat(s.name()).isEqualTo("orchestrator agent.result")));
        java.util.List<OtlpReceiver.Received> exported =
                OTLP.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
        java.util.Set<String> ids = new java.util.HashSet<>(java.util.List.of(agentSpan));
        exported.forEach(s -> ids.add(s.spanId()));
        assertThat(exported).allSatisfy(s -> assertThat(s.service()).isEqualTo("orchestrator"));
        assertThat(exported)
                .filteredOn(s -> s.parentSpanId().isEmpty())
                .singleElement()
                .satisfies(root -> assertThat(root.kind()).isEqualTo("SPAN_KIND_SERVER"));
        assertThat(exported)
                .filteredOn(s -> !s.parentSpanId().isEmpty())
                .as("every parent is in the trace")
                .allSatisfy(s -> assertThat(ids).contains(s.parentSpanId()));
    }

    private Envelope message(UUID task, String type) {
        Envelope found = messageOrNull(task, type);
        assertThat(found).as(type + " in the outbox").isNotNull();
        return found;
    }

    private Envelope messageOrNull(UUID task, String type) {
        return jdbc.sql(
                        "SELECT envelope FROM outbox_events WHERE task_id = :t AND type = :type ORDER BY id DESC LIMIT 1")
                .param("t", task)
                .param("type", type)
                .query(String.class)
                .optional()
                .map(EnvelopeCodec::fromJson)
                .orElse(null);
    }

    private static String traceId(String traceparent) {
        assertThat(traceparent).as("a W3C traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        return traceparent.substring(3, 35);
    }
}
