package dev.xpfleet.common.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.RedisServerProcess;
import dev.xpfleet.common.testing.TcpProxy;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis dies (SIGKILL to its pid) at each point where the runtime talks to it, and comes back: the
 * command that was on its way never reaches Redis, the runtime sees the failure at that very step
 * (its {@code fleet.consumer.redis.errors} counter says which), and consumption resumes with every
 * entry handled to exactly one result. The consumer reaches Redis through a proxy that holds the
 * chosen command back while Redis is killed and, once the runtime has noticed, started again.
 */
class ConsumerRedisRestartIT {

    private static final Predicate<String> BLOCKED_READ = r -> r.contains("XREADGROUP") && r.contains("BLOCK");
    private static final Predicate<String> OWN_PENDING_READ = r -> r.contains("XPENDING") && !r.contains("EVAL");
    private static final Predicate<String> RECLAIM = r -> r.contains("XAUTOCLAIM");
    private static final Predicate<String> HEARTBEAT_SCRIPT = r -> r.contains("EVAL") && r.contains("local lost");
    private static final Predicate<String> RESULT_SCRIPT = r -> r.contains("EVAL") && r.contains("'SET', KEYS[2]");

    @TempDir
    Path dir;

    private RedisServerProcess redis;
    private TcpProxy proxy;
    private ConsumerFixture fixture;
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @BeforeEach
    void startRedis() throws Exception {
        assumeThat(RedisServerProcess.binary()).as("redis-server on PATH").isNotNull();
        redis = RedisServerProcess.start(dir);
        proxy = new TcpProxy("127.0.0.1", redis.port());
        fixture = new ConsumerFixture("127.0.0.1", redis.port(), "restart:");
    }

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
            proxy.close();
            redis.close();
        }
    }

    @Test
    void duringABlockedRead() throws Exception {
        resumesAfterRedisDiesAt(BLOCKED_READ, "read", 0, Duration.ZERO);
    }

    @Test
    void duringTheReadOfOwnPendingEntries() throws Exception {
        resumesAfterRedisDiesAt(OWN_PENDING_READ, "own-pending", 3, Duration.ZERO);
    }

    @Test
    void duringAReclaim() throws Exception {
        resumesAfterRedisDiesAt(RECLAIM, "reclaim", 0, Duration.ZERO);
    }

    @Test
    void duringAHeartbeat() throws Exception {
        resumesAfterRedisDiesAt(HEARTBEAT_SCRIPT, "heartbeat", 0, Duration.ofMillis(1500));
    }

    @Test
    void whilePublishingAResult() throws Exception {
        resumesAfterRedisDiesAt(RESULT_SCRIPT, "finish", 0, Duration.ZERO);
    }

    /**
     * @param ownPending entries left pending for this consumer's name by an earlier life of it
     * @param work how long each handler runs (long enough for a heartbeat when that is the point)
     */
    private void resumesAfterRedisDiesAt(Predicate<String> command, String step, int ownPending, Duration work)
            throws Exception {
        List<UUID> sent = new ArrayList<>(leftPendingFromAnEarlierLife(ownPending));
        proxy.trapOnce(command, () -> killRedisUntilNoticedAt(step));
        RedisURI viaProxy = RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(proxy.port())
                .withTimeout(Duration.ofSeconds(1))
                .build();
        try (StreamConsumer consumer = fixture.consumer(
                viaProxy, metrics, AgentRole.DEV, ConsumerFixture.fastProperties("c1", 2, 5), handler(work))) {
            consumer.start();
            if (step.equals("heartbeat") || step.equals("finish")) {
                // Work for the steps that only happen with something running (heartbeat, result).
                // Not for the others: their trap may fire at once and kill Redis under this send.
                sent.add(fixture.send(AgentRole.DEV, envelope()).eventId());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !proxy.trapArmed());
            await("the failure was seen at " + step)
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> redisErrors(step) > 0);

            for (int i = 0; i < 5; i++) {
                sent.add(fixture.send(AgentRole.DEV, envelope()).eventId());
            }
            await().atMost(Duration.ofSeconds(45)).until(() -> fixture.results().size() >= sent.size());
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> fixture.results().size() == sent.size());
            assertThat(fixture.results())
                    .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(AgentResult.Outcome.COMPLETED))
                    .extracting(AgentResult::inputEventId)
                    .containsExactlyInAnyOrderElementsOf(sent);
            assertThat(consumer.isRunning()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.pending(AgentRole.DEV) == 0);
            if (!step.equals("finish")) {
                // Only a result that never got out is worked on again; nothing else runs twice.
                assertThat(calls)
                        .hasSize(sent.size())
                        .allSatisfy((id, runs) -> assertThat(runs).hasValue(1));
            }
        }
    }

    /** Down until the runtime's call at {@code step} has failed, and no longer. */
    private void killRedisUntilNoticedAt(String step) {
        try {
            proxy.down();
            redis.kill();
            await().atMost(Duration.ofSeconds(20)).until(() -> redisErrors(step) > 0);
            redis.start();
            proxy.up();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private List<UUID> leftPendingFromAnEarlierLife(int count) {
        if (count == 0) {
            return List.of();
        }
        String stream = fixture.names.tasks(AgentRole.DEV);
        String group = fixture.names.group(AgentRole.DEV);
        fixture.redis.xgroupCreate(
                XReadArgs.StreamOffset.from(stream, "0"), group, XGroupCreateArgs.Builder.mkstream());
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(fixture.send(AgentRole.DEV, envelope()).eventId());
        }
        fixture.redis.xreadgroup(
                Consumer.from(group, "c1"),
                XReadArgs.Builder.count(count),
                XReadArgs.StreamOffset.lastConsumed(stream));
        assertThat(fixture.pending(AgentRole.DEV)).isEqualTo(count);
        return ids;
    }

    private double redisErrors(String step) {
        Counter counter =
                metrics.find("fleet.consumer.redis.errors").tag("step", step).counter();
        return counter == null ? 0 : counter.count();
    }

    private MessageHandler handler(Duration work) {
        return new MessageHandler() {
            @Override
            public Set<String> types() {
                return Set.of("dev.work");
            }

            @Override
            public HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
                calls.computeIfAbsent(context.idempotencyKey(), k -> new AtomicInteger())
                        .incrementAndGet();
                TimeUnit.MILLISECONDS.sleep(work.toMillis());
                return HandlerResult.completed(null);
            }
        };
    }

    private static Envelope envelope() {
        return Envelope.create("dev.work", UuidV7.next(), 1, null);
    }
}
