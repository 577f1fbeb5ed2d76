package dev.xpfleet.orchestrator.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.TestRedis;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The relay against real PostgreSQL and Redis: order, failures, blocking, failover. */
@SpringBootTest(
        properties = {
            "fleet.outbox.max-attempts=3",
            "fleet.outbox.retry-backoff=50ms",
            "fleet.outbox.retry-backoff-max=200ms",
            "fleet.outbox.standby-interval=200ms"
        })
@FleetServices(database = true)
class OutboxRelayIT {

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxRelay relay;

    @Autowired
    IsolatedServices services;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    OutboxProperties props;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private TestRedis testRedis;
    private RedisCommands<String, String> redis;
    private StreamNames names;

    @BeforeEach
    void connect() {
        testRedis = new TestRedis(services);
        redis = testRedis.commands();
        names = testRedis.names();
    }

    @AfterEach
    void disconnect() {
        testRedis.close();
    }

    @Test
    void everyRowReachesItsStreamInOrderPerTask() {
        List<UUID> taskIds = List.of(UuidV7.next(), UuidV7.next(), UuidV7.next(), UuidV7.next(), UuidV7.next());
        transactions.executeWithoutResult(tx -> {
            for (int iteration = 0; iteration < 10; iteration++) {
                for (UUID task : taskIds) {
                    outbox.enqueue(AgentRole.QA, Envelope.create("qa.verify", task, iteration, null));
                }
            }
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> entries(AgentRole.QA).size() == 50);

        Map<UUID, List<Integer>> iterationsByTask = new LinkedHashMap<>();
        for (Envelope envelope : entries(AgentRole.QA)) {
            iterationsByTask
                    .computeIfAbsent(envelope.taskId(), k -> new ArrayList<>())
                    .add(envelope.iteration());
        }
        assertThat(iterationsByTask.keySet()).containsExactlyInAnyOrderElementsOf(taskIds);
        assertThat(iterationsByTask.values())
                .allSatisfy(its -> assertThat(its).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        assertThat(outbox.backlog().pending()).isZero();
    }

    @Test
    void aRowWhoseTransactionCommitsAfterALaterIdWasPublishedIsStillPublishedInTaskOrder() throws Exception {
        // The pair stream: the other tests here count entries of theirs.
        UUID early = UuidV7.next();
        UUID other = UuidV7.next();
        java.util.concurrent.CountDownLatch inserted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch commit = new java.util.concurrent.CountDownLatch(1);
        Thread slow = Thread.ofPlatform()
                .start(() -> transactions.executeWithoutResult(tx -> {
                    // Takes the lower id now, commits later.
                    outbox.enqueue(AgentRole.PAIR, Envelope.create("pair.start", early, 1, null));
                    inserted.countDown();
                    try {
                        commit.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        assertThat(inserted.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        transactions.executeWithoutResult(
                tx -> outbox.enqueue(AgentRole.PAIR, Envelope.create("pair.start", other, 1, null)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> entries(AgentRole.PAIR).stream()
                        .anyMatch(e -> e.taskId().equals(other)));
        assertThat(entries(AgentRole.PAIR)).noneMatch(e -> e.taskId().equals(early));

        commit.countDown();
        slow.join();
        transactions.executeWithoutResult(
                tx -> outbox.enqueue(AgentRole.PAIR, Envelope.create("pair.start", early, 2, null)));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> entries(AgentRole.PAIR).stream()
                                .filter(e -> e.taskId().equals(early))
                                .count()
                        == 2);
        assertThat(entries(AgentRole.PAIR))
                .filteredOn(e -> e.taskId().equals(early))
                .extracting(Envelope::iteration)
                .containsExactly(1, 2);
    }

    @Test
    void theLagRunsFromTheRowsInsertNotFromTheStartOfItsTransaction() {
        io.micrometer.core.instrument.Timer lag = meters.get("fleet.outbox.lag").timer();
        long countBefore = lag.count();
        double secondsBefore = lag.totalTime(java.util.concurrent.TimeUnit.SECONDS);
        UUID task = UuidV7.next();
        transactions.executeWithoutResult(tx -> {
            // A transaction that did 1.5 s of other work before it wrote its outbox row.
            jdbc.sql("SELECT pg_sleep(1.5)").query().singleRow();
            // a stream no other test here counts
            outbox.enqueue(AgentRole.PAIR, Envelope.create("pair.start", task, 1, null));
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> lag.count() > countBefore);

        double recorded = lag.totalTime(java.util.concurrent.TimeUnit.SECONDS) - secondsBefore;
        assertThat(recorded).as("seconds from insert to XADD").isLessThan(1.0);
    }

    @Test
    void aRowRedisRefusesIsRetriedThenBlockedWhileLaterRowsOfItsTaskWaitAndOthersFlow() {
        String reviewStream = names.tasks(AgentRole.REVIEW);
        redis.set(reviewStream, "not a stream"); // every XADD to it now fails with WRONGTYPE
        UUID stuck = UuidV7.next();
        UUID other = UuidV7.next();
        transactions.executeWithoutResult(tx -> {
            outbox.enqueue(AgentRole.REVIEW, Envelope.create("review.diff", stuck, 1, null));
            outbox.enqueue(AgentRole.DEV, Envelope.create("dev.implement", stuck, 2, null));
            outbox.enqueue(AgentRole.DEV, Envelope.create("dev.implement", other, 1, null));
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> outbox.blocked().size() == 1);
        Outbox.BlockedRow blocked = outbox.blocked().get(0);
        assertThat(blocked.taskId()).isEqualTo(stuck);
        assertThat(blocked.attempts()).isEqualTo(3);
        assertThat(blocked.lastError()).contains("WRONGTYPE");
        assertThat(entries(AgentRole.DEV)).extracting(Envelope::taskId).containsExactly(other);
        assertThat(outbox.backlog().blocked()).isEqualTo(1);

        redis.del(reviewStream);
        assertThat(outbox.unblock(blocked.id())).isTrue();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> entries(AgentRole.REVIEW).size() == 1);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> entries(AgentRole.DEV).size() == 2);
        assertThat(entries(AgentRole.DEV)).extracting(Envelope::taskId).containsExactly(other, stuck);
        assertThat(outbox.unblock(blocked.id())).as("nothing left to unblock").isFalse();
    }

    @Test
    void anUnreadableRowIsBlockedAndDoesNotWedgeTheRelay() {
        UUID garbled = UuidV7.next();
        UUID fine = UuidV7.next();
        transactions.executeWithoutResult(tx -> {
            jdbc.sql("""
                            INSERT INTO outbox_events (task_id, event_id, role, type, envelope)
                            VALUES (:task, :event, 'dev', 'dev.implement', 'not json'),
                                   (:task, :event2, 'nobody', 'dev.implement', '{}')
                            """)
                    .param("task", garbled)
                    .param("event", UuidV7.next())
                    .param("event2", UuidV7.next())
                    .update();
            outbox.enqueue(AgentRole.DEV, Envelope.create("dev.implement", fine, 1, null));
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> outbox.blocked().size() == 1);
        assertThat(outbox.blocked().get(0).lastError()).contains("unreadable envelope");
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        entries(AgentRole.DEV).stream().anyMatch(e -> e.taskId().equals(fine)));
    }

    @Test
    void onlyOneReplicaPublishesAndAStandbyTakesOverWhenItStops() {
        OutboxRelay standby = new OutboxRelay(
                dataSource,
                RedisURI.create(
                        services.endpoints().redis().host(),
                        services.endpoints().redis().port()),
                names,
                props,
                new SimpleMeterRegistry(),
                dev.xpfleet.common.consumer.TraceContinuation.NONE);
        standby.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> !standby.isLeader());

            relay.stop();
            await().atMost(Duration.ofSeconds(10)).until(standby::isLeader);
            UUID task = UuidV7.next();
            transactions.executeWithoutResult(
                    tx -> outbox.enqueue(AgentRole.REFACTOR, Envelope.create("refactor.plan", task, 1, null)));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> entries(AgentRole.REFACTOR).size() == 1);
        } finally {
            standby.stop();
            relay.start();
        }
        await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
    }

    @SuppressWarnings("unchecked")
    private List<Envelope> entries(AgentRole role) {
        String stream = names.tasks(role);
        if (!"stream".equals(redis.type(stream))) {
            return List.of();
        }
        return redis.xrange(stream, io.lettuce.core.Range.create("-", "+")).stream()
                .map(StreamMessage::getBody)
                .map(EnvelopeCodec::fromFields)
                .toList();
    }
}
