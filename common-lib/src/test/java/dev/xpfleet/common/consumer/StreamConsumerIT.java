package dev.xpfleet.common.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.IsolatedServices;
import io.lettuce.core.Consumer;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/** The runtime against real Redis: results, retries, dead letters, dedupe, ownership, shutdown. */
class StreamConsumerIT {

    private IsolatedServices services;
    private ConsumerFixture fixture;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        services = IsolatedServices.create(getClass().getSimpleName(), false);
        fixture = new ConsumerFixture(
                services.endpoints().redis().host(),
                services.endpoints().redis().port(),
                services.redisPrefix());
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        services.close();
    }

    @Test
    void publishesOneResultPerEntryAndAcknowledgesIt() {
        try (StreamConsumer consumer = fixture.consumer(
                AgentRole.DEV, ConsumerFixture.fastProperties("c1", 4, 3), handler("dev.echo", Duration.ZERO))) {
            consumer.start();
            Set<java.util.UUID> sent = ConcurrentHashMap.newKeySet();
            IntStream.range(0, 10)
                    .forEach(i -> sent.add(
                            fixture.send(AgentRole.DEV, envelope("dev.echo", i)).eventId()));

            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.results().size() == 10);
            assertThat(fixture.results())
                    .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(AgentResult.Outcome.COMPLETED))
                    .extracting(AgentResult::inputEventId)
                    .containsExactlyInAnyOrderElementsOf(sent);
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.pending(AgentRole.DEV) == 0);
        }
    }

    @Test
    void aHandlerThatAlwaysThrowsEndsInTheDeadLetterStreamAndTheRestGoOn() {
        MessageHandler broken = new MessageHandler() {
            @Override
            public Set<String> types() {
                return Set.of("qa.broken");
            }

            @Override
            public HandlerResult handle(Envelope envelope, HandlerContext context) {
                calls.computeIfAbsent("broken", k -> new AtomicInteger()).incrementAndGet();
                throw new IllegalStateException("disk on fire");
            }
        };
        try (StreamConsumer consumer = fixture.consumer(
                AgentRole.QA, ConsumerFixture.fastProperties("c1", 2, 3), broken, handler("qa.fine", Duration.ZERO))) {
            consumer.start();
            Envelope bad = fixture.send(AgentRole.QA, envelope("qa.broken", 0));
            fixture.send(AgentRole.QA, envelope("qa.fine", 1));
            fixture.send(AgentRole.QA, envelope("qa.fine", 2));

            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.results().size() == 3);
            assertThat(fixture.deadLetters(AgentRole.QA)).singleElement().satisfies(entry -> {
                assertThat(entry.getBody().get("reason"))
                        .contains("failed 3 times")
                        .contains("disk on fire");
                assertThat(entry.getBody().get("deliveries")).isEqualTo("3");
                assertThat(entry.getBody().get("original"))
                        .contains(bad.eventId().toString());
            });
            assertThat(fixture.results())
                    .filteredOn(r -> r.inputEventId().equals(bad.eventId()))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.outcome()).isEqualTo(AgentResult.Outcome.DEAD_LETTERED);
                        assertThat(r.reason()).contains("disk on fire");
                    });
            assertThat(calls.get("broken")).hasValue(3);
            assertThat(fixture.pending(AgentRole.QA)).isZero();
        }
    }

    @Test
    void anUnreadableEntryIsDeadLetteredWithTheReason() {
        try (StreamConsumer consumer = fixture.consumer(
                AgentRole.REVIEW, ConsumerFixture.fastProperties("c1", 2, 3), handler("review.x", Duration.ZERO))) {
            consumer.start();
            fixture.redis.xadd(fixture.names.tasks(AgentRole.REVIEW), Map.of("envelope", "{garbage"));
            fixture.send(AgentRole.REVIEW, envelope("review.x", 1));

            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.results().size() == 1);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> fixture.deadLetters(AgentRole.REVIEW).size() == 1);
            assertThat(fixture.deadLetters(AgentRole.REVIEW).get(0).getBody().get("reason"))
                    .startsWith("unreadable envelope");
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.pending(AgentRole.REVIEW) == 0);
        }
    }

    @Test
    void aTypeWithoutHandlerIsReportedAsAFailureNotAcknowledgedSilently() {
        try (StreamConsumer consumer =
                fixture.consumer(AgentRole.REFACTOR, ConsumerFixture.fastProperties("c1", 2, 3))) {
            consumer.start();
            fixture.send(AgentRole.REFACTOR, envelope("refactor.unknown", 1));

            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.results().size() == 1);
            assertThat(fixture.results().get(0)).satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(AgentResult.Outcome.FAILED);
                assertThat(r.reason()).contains("no handler for message type 'refactor.unknown'");
            });
        }
    }

    @Test
    void aRedeliveredEnvelopeIsHandledOnce() {
        try (StreamConsumer consumer = fixture.consumer(
                AgentRole.DEV, ConsumerFixture.fastProperties("c1", 2, 3), handler("dev.echo", Duration.ZERO))) {
            consumer.start();
            Envelope once = envelope("dev.echo", 1);
            fixture.send(AgentRole.DEV, once);
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.results().size() == 1);

            fixture.send(AgentRole.DEV, once);
            fixture.send(AgentRole.DEV, envelope("dev.echo", 2));

            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.results().size() == 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.pending(AgentRole.DEV) == 0);
            assertThat(calls.get(once.eventId().toString())).hasValue(1);
            assertThat(fixture.results()).hasSize(2);
        }
    }

    @Test
    void recreatesItsGroupWhenRedisLosesItAndGoesOn() {
        // As after a restart of a Redis without persistence: the next read fails with NOGROUP.
        try (StreamConsumer consumer = fixture.consumer(
                AgentRole.DEV, ConsumerFixture.fastProperties("c1", 2, 3), handler("dev.echo", Duration.ZERO))) {
            consumer.start();
            fixture.send(AgentRole.DEV, envelope("dev.echo", 1));
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.results().size() == 1);

            fixture.redis.xgroupDestroy(fixture.names.tasks(AgentRole.DEV), fixture.names.group(AgentRole.DEV));
            fixture.send(AgentRole.DEV, envelope("dev.echo", 2));
            fixture.send(AgentRole.DEV, envelope("dev.echo", 3));

            // The recreated group starts from the stream's beginning: entry 1 is dropped as done.
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.results().size() == 3);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> fixture.results().size() == 3);
        }
    }

    @Test
    void aSlowHandlerKeepsItsEntryWhileAnotherConsumerWaits() {
        // Reclaim after 1.5 s idle; the handler takes 4 s: without heartbeats c2 would steal it.
        try (StreamConsumer first = fixture.consumer(
                        AgentRole.PAIR,
                        ConsumerFixture.fastProperties("c1", 1, 3),
                        handler("pair.slow", Duration.ofSeconds(4)));
                StreamConsumer second = fixture.consumer(
                        AgentRole.PAIR,
                        ConsumerFixture.fastProperties("c2", 1, 3),
                        handler("pair.slow", Duration.ofSeconds(4)))) {
            first.start();
            Envelope slow = fixture.send(AgentRole.PAIR, envelope("pair.slow", 1));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> calls.containsKey(slow.eventId().toString()));
            second.start();

            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.results().size() == 1);
            assertThat(calls.get(slow.eventId().toString())).hasValue(1);
            assertThat(fixture.results().get(0).consumer()).isEqualTo("c1");
        }
    }

    @Test
    void shutdownWaitsForRunningHandlersAndLeavesUnstartedWorkPending() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        MessageHandler slow = new MessageHandler() {
            @Override
            public Set<String> types() {
                return Set.of("dev.slow");
            }

            @Override
            public HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
                started.countDown();
                TimeUnit.MILLISECONDS.sleep(1500);
                return HandlerResult.completed(null);
            }
        };
        StreamConsumer consumer = fixture.consumer(AgentRole.DEV, ConsumerFixture.fastProperties("c1", 1, 3), slow);
        consumer.start();
        fixture.send(AgentRole.DEV, envelope("dev.slow", 1));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        consumer.close();

        assertThat(fixture.results()).hasSize(1);
        assertThat(fixture.pending(AgentRole.DEV)).isZero();
        fixture.send(AgentRole.DEV, envelope("dev.slow", 2));
        assertThat(fixture.results()).as("a stopped consumer takes nothing new").hasSize(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRestartedConsumerWithMorePendingThanSlotsHandlesEachOnceAndShowsTheBacklog() {
        String stream = fixture.names.tasks(AgentRole.DEV);
        String group = fixture.names.group(AgentRole.DEV);
        fixture.redis.xgroupCreate(
                XReadArgs.StreamOffset.from(stream, "0"), group, XGroupCreateArgs.Builder.mkstream());
        // An earlier life of "c1" read six entries and died; three more were never read.
        List<Envelope> sent = new ArrayList<>();
        sent.add(fixture.send(AgentRole.DEV, envelope("dev.long", 0)));
        IntStream.range(1, 6).forEach(i -> sent.add(fixture.send(AgentRole.DEV, envelope("dev.short", i))));
        fixture.redis.xreadgroup(
                Consumer.from(group, "c1"), XReadArgs.Builder.count(6), XReadArgs.StreamOffset.lastConsumed(stream));
        IntStream.range(6, 9).forEach(i -> sent.add(fixture.send(AgentRole.DEV, envelope("dev.short", i))));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();

        try (StreamConsumer consumer = fixture.consumer(
                fixture.uri,
                metrics,
                AgentRole.DEV,
                ConsumerFixture.fastProperties("c1", 2, 5),
                handler("dev.long", Duration.ofMillis(2500)),
                handler("dev.short", Duration.ofMillis(300)))) {
            consumer.start();
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            gauge(metrics, "fleet.consumer.pending") >= 6 && gauge(metrics, "fleet.consumer.lag") == 3);

            await().atMost(Duration.ofSeconds(30)).until(() -> fixture.results().size() >= 9);
            assertThat(fixture.results())
                    .extracting(AgentResult::inputEventId)
                    .containsExactlyInAnyOrderElementsOf(
                            sent.stream().map(Envelope::eventId).toList());
            assertThat(calls)
                    .hasSize(9)
                    .allSatisfy((id, count) ->
                            assertThat(count).as("handler runs of " + id).hasValue(1));
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            gauge(metrics, "fleet.consumer.pending") == 0 && gauge(metrics, "fleet.consumer.lag") == 0);
        }
    }

    private static double gauge(SimpleMeterRegistry metrics, String name) {
        return metrics.get(name).tag("role", "dev").gauge().value();
    }

    private MessageHandler handler(String type, Duration work) {
        return new MessageHandler() {
            @Override
            public Set<String> types() {
                return Set.of(type);
            }

            @Override
            public HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
                calls.computeIfAbsent(context.idempotencyKey(), k -> new AtomicInteger())
                        .incrementAndGet();
                TimeUnit.MILLISECONDS.sleep(work.toMillis());
                return HandlerResult.completed(
                        JsonNodeFactory.instance.objectNode().put("echo", envelope.iteration()));
            }
        };
    }

    private static Envelope envelope(String type, int iteration) {
        return Envelope.create(type, UuidV7.next(), iteration, null);
    }
}
