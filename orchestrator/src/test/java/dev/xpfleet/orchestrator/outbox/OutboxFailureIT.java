package dev.xpfleet.orchestrator.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.ServiceJar;
import dev.xpfleet.common.testing.TcpProxy;
import dev.xpfleet.common.testing.TestRedis;
import dev.xpfleet.orchestrator.webhook.WebhookClient;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the relay does when things die: replicas racing and failing over under load, a relay
 * process killed mid-batch, its database session dropped, Redis gone while webhooks keep coming.
 * The promise in every case: every outbox row reaches its stream, each task's messages in order,
 * duplicates only as at-least-once redelivery (same event id).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"fleet.outbox.standby-interval=200ms", "fleet.outbox.retry-backoff=100ms"})
@FleetServices(database = true)
class OutboxFailureIT {

    private static final Logger log = LoggerFactory.getLogger(OutboxFailureIT.class);

    @LocalServerPort
    int port;

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxRelay relay;

    @Autowired
    OutboxProperties props;

    @Autowired
    IsolatedServices services;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JdbcClient jdbc;

    private TestRedis redis;
    private StreamNames names;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void connect() {
        redis = new TestRedis(services);
        names = redis.names();
        jdbc.sql("DELETE FROM outbox_events").update(); // each test counts its own rows
    }

    @AfterEach
    void tidyUp() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
        cleanup.clear();
        relay.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> outbox.backlog().pending() == 0);
        redis.commands().del(names.tasks(AgentRole.DEV), names.tasks(AgentRole.QA));
        redis.close();
    }

    @Test
    void threeRelaysWithTenThousandTasksPublishEveryRowInOrderEvenWhenTheActiveOneStops() throws Exception {
        OutboxRelay second = replica(services.endpoints().redis().port());
        OutboxRelay third = replica(services.endpoints().redis().port());
        List<OutboxRelay> all = List.of(relay, second, third);
        int tasks = 10_000;

        List<UUID> ids = new ArrayList<>();
        try (ExecutorService writers = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                done.add(writers.submit(() -> {
                    for (int i = 0; i < tasks / 8; i++) {
                        UUID task = UuidV7.next();
                        synchronized (ids) {
                            ids.add(task);
                        }
                        // Two transactions per task, interleaved with the other writers' commits.
                        enqueue(AgentRole.DEV, task, 1);
                        enqueue(AgentRole.DEV, task, 2);
                    }
                    return null;
                }));
            }
            // While the writers run, the active relay stops; a standby must take over.
            await().atMost(Duration.ofSeconds(60)).until(() -> published() > 2_000);
            OutboxRelay leader =
                    all.stream().filter(OutboxRelay::isLeader).findFirst().orElseThrow();
            leader.stop();
            for (Future<?> f : done) {
                f.get();
            }
        }

        await().atMost(Duration.ofSeconds(180)).until(() -> outbox.backlog().pending() == 0);
        assertThat(all.stream().filter(OutboxRelay::isLeader)).hasSize(1);
        assertEveryTaskInOrder(ids, 2);
    }

    @Test
    void aRelayProcessKilledMidBatchLosesNothing() throws Exception {
        relay.stop(); // the packaged orchestrator, started below, is the only relay
        Map<String, Object> settings = new HashMap<>(services.springProperties());
        Path logFile = Files.createTempFile("orchestrator-killed", ".log");
        Process orchestrator = ServiceJar.of("orchestrator").start(settings, logFile);
        cleanup.add(orchestrator::destroyForcibly);
        UUID first = UuidV7.next();
        enqueue(AgentRole.DEV, first, 1);
        await().atMost(Duration.ofSeconds(90)).until(() -> published() == 1);

        List<UUID> ids = new ArrayList<>(List.of(first));
        int rows = 20_000;
        transactions.executeWithoutResult(tx -> {
            for (int i = 0; i < rows / 2; i++) {
                UUID task = UuidV7.next();
                ids.add(task);
                outbox.enqueue(AgentRole.DEV, Envelope.create("dev.implement", task, 1, null));
                outbox.enqueue(AgentRole.DEV, Envelope.create("dev.implement", task, 2, null));
            }
        });
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> published() > 1_000);
        long pid = orchestrator.pid();
        orchestrator.destroyForcibly().waitFor(); // SIGKILL by pid: no shutdown hook, no goodbye
        long publishedAtKill = published();
        log.info("Killed orchestrator pid {} with {} of {} rows published", pid, publishedAtKill, rows + 1);
        assertThat(publishedAtKill).as("the kill landed mid-run").isLessThan(rows + 1);

        relay.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> outbox.backlog().pending() == 0);
        assertEveryTaskInOrder(ids.subList(1, ids.size()), 2);
    }

    @Test
    void aRelayWhoseDatabaseSessionIsDroppedMidRunRecoversAndLosesNothing() throws Exception {
        List<UUID> ids = new ArrayList<>();
        transactions.executeWithoutResult(tx -> {
            for (int i = 0; i < 5_000; i++) {
                UUID task = UuidV7.next();
                ids.add(task);
                outbox.enqueue(AgentRole.QA, Envelope.create("qa.verify", task, 1, null));
                outbox.enqueue(AgentRole.QA, Envelope.create("qa.verify", task, 2, null));
            }
        });
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> published() > 500);

        int dropped = jdbc.sql("""
                        SELECT count(pg_terminate_backend(pid)) FROM pg_locks
                         WHERE locktype = 'advisory' AND classid = :high AND objid = :low AND granted
                        """)
                .param("high", (int) (OutboxRelay.LOCK_KEY >>> 32))
                .param("low", (int) OutboxRelay.LOCK_KEY)
                .query(Integer.class)
                .single();

        assertThat(dropped)
                .as("the active relay's session was found and dropped")
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> outbox.backlog().pending() == 0);
        assertThat(relay.isLeader()).isTrue();
        assertEveryTaskInOrder(ids, AgentRole.QA, 2);
    }

    @Test
    void webhooksAreAcceptedWhileRedisIsDownAndPublishedWhenItReturns() throws Exception {
        TcpProxy toRedis = new TcpProxy(
                services.endpoints().redis().host(),
                services.endpoints().redis().port());
        cleanup.add(toRedis);
        relay.stop();
        OutboxRelay throughProxy = replica(toRedis.port());
        await().atMost(Duration.ofSeconds(10)).until(throughProxy::isLeader);
        toRedis.down();

        WebhookClient webhooks = new WebhookClient(port);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            var response = webhooks.send(
                    "issues", UUID.randomUUID().toString(), WebhookClient.issue("issues.labeled", "agent", "OWNER"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            ids.add(UUID.fromString(EnvelopeCodec.mapper()
                    .readTree(response.body())
                    .path("task")
                    .asString()));
        }
        // For a while, with the relay retrying all along: nothing goes out, nothing is blocked.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(outbox.backlog().pending()).isEqualTo(20);
            assertThat(outbox.blocked())
                    .as("connection trouble does not use up attempts")
                    .isEmpty();
        });

        toRedis.up();
        await().atMost(Duration.ofSeconds(60)).until(() -> outbox.backlog().pending() == 0);
        assertEveryTaskInOrder(ids, 1);
    }

    private OutboxRelay replica(int redisPort) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(services.jdbcUrl());
        config.setUsername(services.endpoints().postgres().user());
        config.setPassword(services.endpoints().postgres().password());
        config.setMaximumPoolSize(3);
        HikariDataSource pool = new HikariDataSource(config);
        OutboxRelay replica = new OutboxRelay(
                pool,
                RedisURI.create(services.endpoints().redis().host(), redisPort),
                names,
                props,
                new SimpleMeterRegistry(),
                dev.xpfleet.common.consumer.TraceContinuation.NONE);
        replica.start();
        cleanup.add(pool);
        cleanup.add(replica::stop);
        return replica;
    }

    private void enqueue(AgentRole role, UUID task, int iteration) {
        transactions.executeWithoutResult(
                tx -> outbox.enqueue(role, Envelope.create("dev.implement", task, iteration, null)));
    }

    private long published() {
        return jdbc.sql("SELECT count(*) FROM outbox_events WHERE status = 'PUBLISHED'")
                .query(Long.class)
                .single();
    }

    private void assertEveryTaskInOrder(List<UUID> ids, int perTask) {
        assertEveryTaskInOrder(ids, AgentRole.DEV, perTask);
    }

    private void assertEveryTaskInOrder(List<UUID> ids, AgentRole role, int perTask) {
        PublishedOrder.assertEveryTaskInOrder(redis.commands(), names.tasks(role), ids, perTask);
    }
}
