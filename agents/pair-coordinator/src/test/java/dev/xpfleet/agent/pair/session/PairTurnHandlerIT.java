package dev.xpfleet.agent.pair.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.xpfleet.agent.pair.lock.PairLock;
import dev.xpfleet.common.consumer.HandlerContext;
import dev.xpfleet.common.consumer.HandlerResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.StreamProperties;
import dev.xpfleet.common.testing.FleetServices;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The session's lock in real Redis and the fencing token from an orchestrator (a stub answering
 * as the real endpoint does): exclusive, renewed and released only by its owner, taken over once
 * it expired; the handler reports with the token and gives the lock back.
 */
@SpringBootTest
@FleetServices
class PairTurnHandlerIT {

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    StreamProperties streams;

    @Autowired
    PairLock lock;

    private HttpServer orchestrator;
    private final AtomicInteger fences = new AtomicInteger();
    private final AtomicReference<Integer> status = new AtomicReference<>(200);
    /** Run while the stub hands out a token: what happens to the lock meanwhile. */
    private final AtomicReference<Runnable> whileFencing = new AtomicReference<>(() -> {});

    @BeforeEach
    void orchestrator() throws Exception {
        orchestrator = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        orchestrator.createContext("/api/pair/sessions/", exchange -> {
            whileFencing.get().run();
            int code = status.get();
            byte[] body = (code == 200
                            ? "{\"fence\": " + fences.incrementAndGet() + "}"
                            : "{\"detail\": \"the session is over: its task is CANCELLED\"}")
                    .getBytes(StandardCharsets.UTF_8);
            boolean authorised =
                    "Bearer agent-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(authorised ? code : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        orchestrator.start();
    }

    @AfterEach
    void stop() {
        orchestrator.stop(0);
    }

    @Test
    void theLockIsOneOwnersAndPassesOnOnlyWhenFreedOrExpired() throws Exception {
        UUID task = UUID.randomUUID();
        PairLock.Held mine = lock.acquire(task, "a").orElseThrow();

        assertThat(lock.acquire(task, "b")).as("held").isEmpty();
        assertThat(lock.renew(mine)).isTrue();
        assertThat(lock.renew(new PairLock.Held(mine.key(), "b")))
                .as("not b's to renew")
                .isFalse();
        lock.release(new PairLock.Held(mine.key(), "b"));
        assertThat(lock.holder(task)).as("not b's to release").hasValue("a");
        lock.release(mine);
        assertThat(lock.holder(task)).isEmpty();

        PairLock shortLived = new PairLock(redis, new StreamNames(streams), Duration.ofMillis(300));
        PairLock.Held paused = shortLived.acquire(task, "paused").orElseThrow();
        // The owner "pauses" past its lock's life: the key expires.
        await().atMost(Duration.ofSeconds(5)).until(() -> lock.holder(task).isEmpty());
        PairLock.Held taker = shortLived.acquire(task, "taker").orElseThrow();
        assertThat(shortLived.renew(paused))
                .as("an expired owner cannot renew the new owner's lock")
                .isFalse();
        shortLived.release(paused);
        assertThat(lock.holder(task)).hasValue("taker");
        shortLived.release(taker);
    }

    @Test
    void theHandlerReportsWithTheSessionsFencingTokenAndGivesTheLockBack() throws Exception {
        PairTurnHandler handler = handler();
        Envelope start = start();

        HandlerResult first = handler.handle(start, context());
        HandlerResult second = handler.handle(start, context());

        assertThat(first).isInstanceOfSatisfying(HandlerResult.Completed.class, c -> {
            assertThat(c.output().path("fence").asLong()).isEqualTo(1);
            assertThat(c.output().path("session").asString())
                    .isEqualTo(start.sessionId().toString());
            assertThat(c.output().path("action").asString())
                    .as("a session starts with the driver")
                    .isEqualTo("drive");
            assertThat(c.output().path("iteration").asInt()).isEqualTo(1);
        });
        assertThat(second)
                .isInstanceOfSatisfying(
                        HandlerResult.Completed.class,
                        f -> assertThat(f.output().path("fence").asLong())
                                .as("each acquisition gets a newer token")
                                .isEqualTo(2));
        assertThat(lock.holder(start.taskId())).as("released").isEmpty();
    }

    @Test
    void aSessionLockedElsewhereIsTriedAgainAndOneThatIsOverIsReportedWithoutAToken() throws Exception {
        PairTurnHandler handler = handler();
        Envelope start = start();
        PairLock.Held other =
                lock.acquire(start.taskId(), "another-coordinator").orElseThrow();
        try {
            assertThatThrownBy(() -> handler.handle(start, context()))
                    .as("still held after the wait: tried again later")
                    .hasMessageContaining("locked by another-coordinator");
            assertThat(fences.get()).as("no token asked for").isZero();
        } finally {
            lock.release(other);
        }
        // A holder that goes away within the wait (its lock expires): the handler takes the lock.
        PairLock dying = new PairLock(redis, new StreamNames(streams), Duration.ofMillis(700));
        dying.acquire(start.taskId(), "dead-coordinator").orElseThrow();
        assertThat(handler.handle(start, context()))
                .isInstanceOfSatisfying(
                        HandlerResult.Completed.class,
                        c -> assertThat(c.output().path("fence").asLong()).isEqualTo(1));

        status.set(409);
        HandlerResult over = handler.handle(start, context());
        assertThat(over).isInstanceOfSatisfying(HandlerResult.Failed.class, f -> {
            assertThat(f.reason()).contains("the session is over: its task is CANCELLED");
            assertThat(f.output().has("fence")).isFalse();
        });
        assertThat(lock.holder(start.taskId())).isEmpty();

        assertThat(new PairTurnHandler(lock, null, Duration.ofSeconds(1)).handle(start, context()))
                .isInstanceOfSatisfying(
                        HandlerResult.Failed.class,
                        f -> assertThat(f.reason()).contains("fleet.pair.orchestrator-url"));
        assertThat(handler.handle(Envelope.create(MessageTypes.PAIR_START, UUID.randomUUID(), 1, null), context()))
                .isInstanceOfSatisfying(
                        HandlerResult.Failed.class, f -> assertThat(f.reason()).contains("no session id"));
    }

    @Test
    void anEarlierProcessesLockIsTakenOverAtOnceAndALockLostWhileDecidingIsNotAnswered() throws Exception {
        PairTurnHandler handler = handler();
        Envelope start = start();
        // The coordinator's predecessor under the same consumer name, killed holding the lock:
        // provably gone, so its lock is taken over without waiting for it to expire.
        PairLock longLived = new PairLock(redis, new StreamNames(streams), Duration.ofMinutes(5));
        longLived
                .acquire(start.taskId(), "pair-coordinator-1:" + UUID.randomUUID() + ":call")
                .orElseThrow();
        long began = System.nanoTime();
        assertThat(handler.handle(start, context())).isInstanceOf(HandlerResult.Completed.class);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
        assertThat(PairTurnHandler.isEarlierProcessOf("pair-coordinator-10:p:c", "pair-coordinator-1"))
                .as("another consumer name is not this one's")
                .isFalse();
        assertThat(PairTurnHandler.isEarlierProcessOf("a-coordinator-that-died", "pair-coordinator-1"))
                .isFalse();

        // The lock lost while the turn is decided (expired in a pause, or its key lost with Redis):
        // another coordinator may hold it now, so this one does not answer.
        whileFencing.set(() -> redis.delete(new StreamNames(streams).pairLock(start.taskId())));
        assertThatThrownBy(() -> handler.handle(start, context()))
                .hasMessageContaining("lost the lock")
                .hasMessageContaining("not answering");
    }

    private PairTurnHandler handler() {
        return new PairTurnHandler(
                lock,
                new FenceClient(
                        URI.create(
                                "http://127.0.0.1:" + orchestrator.getAddress().getPort()),
                        "agent-token"),
                Duration.ofSeconds(2));
    }

    private static Envelope start() {
        return Envelope.create(MessageTypes.PAIR_START, UUID.randomUUID(), 1, null)
                .withSessionId(UUID.randomUUID());
    }

    private static HandlerContext context() {
        return new HandlerContext("key", AgentRole.PAIR, "pair-coordinator-1", 1, null);
    }
}
