package dev.xpfleet.agent.pair.session;

import dev.xpfleet.agent.pair.lock.PairLock;
import dev.xpfleet.agent.pair.navigate.Turns;
import dev.xpfleet.common.consumer.HandlerContext;
import dev.xpfleet.common.consumer.HandlerResult;
import dev.xpfleet.common.consumer.MessageHandler;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pair.start} and {@code pair.turn}: a pair session's next turn, decided under the session's
 * lock and reported with its fencing token (the orchestrator refuses a session's answer without
 * the current one, so a coordinator that lost its lock cannot move the task). The decision itself
 * is {@link Turns#decide}; the orchestrator carries it out (asks the driver or a navigator, opens
 * the pull request of the accepted iteration, or parks the task with the session's summary). A
 * lock held by another coordinator is waited for, then tried again later (the entry is
 * redelivered); a session that is over is reported without a token.
 */
public class PairTurnHandler implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(PairTurnHandler.class);

    private static final Duration POLL = Duration.ofMillis(500);

    private final PairLock lock;
    private final FenceClient fences;
    private final Duration lockWait;

    /**
     * @param fences null when {@code fleet.pair.orchestrator-url} is not set
     * @param lockWait how long to wait for a lock someone else holds (twice its lifetime)
     */
    public PairTurnHandler(PairLock lock, FenceClient fences, Duration lockWait) {
        this.lock = lock;
        this.fences = fences;
        this.lockWait = lockWait;
    }

    /** This process, in the lock's owner tokens: {@code <consumer>:<process>:<call>}. */
    private static final String PROCESS = UUID.randomUUID().toString();

    /**
     * Takes the session's lock. A lock of an earlier process under this consumer name is taken over
     * at once: one consumer name runs in one process at a time, so that process is provably gone (a
     * coordinator restarted after a crash takes its entries back at once too). Any other holder is
     * waited for, up to twice the lock's lifetime (a holder that died leaves its lock until it
     * expires); still held after that: tried again later (the entry is redelivered).
     */
    private PairLock.Held awaitLock(UUID task, String consumer, String owner) throws InterruptedException {
        long deadline = System.nanoTime() + lockWait.toNanos();
        while (true) {
            Optional<PairLock.Held> held = lock.acquire(task, owner);
            if (held.isPresent()) {
                return held.get();
            }
            Optional<String> holder = lock.holder(task);
            if (holder.isPresent() && isEarlierProcessOf(holder.get(), consumer)) {
                held = lock.takeOver(task, holder.get(), owner);
                if (held.isPresent()) {
                    log.info("Task {}: took the session's lock over from {}, an earlier process", task, holder.get());
                    return held.get();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the session of task " + task + " is locked by "
                        + lock.holder(task).orElse("(expired meanwhile)") + "; tried again later");
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
    }

    /** Whether a lock owner is this consumer name's, in a process other than this one. */
    static boolean isEarlierProcessOf(String owner, String consumer) {
        String[] parts = owner.split(":");
        return parts.length >= 3
                && owner.startsWith(consumer + ":")
                && parts.length - 2 == consumer.split(":", -1).length
                && !parts[parts.length - 2].equals(PROCESS);
    }

    @Override
    public Set<String> types() {
        return Set.of(MessageTypes.PAIR_START, MessageTypes.PAIR_TURN);
    }

    @Override
    public HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
        UUID session = envelope.sessionId();
        if (session == null) {
            return HandlerResult.failed(envelope.type() + " carries no session id");
        }
        if (fences == null) {
            return HandlerResult.failed("fleet.pair.orchestrator-url is not set: no fencing token can be had");
        }
        String owner = context.consumer() + ":" + PROCESS + ":" + UUID.randomUUID();
        PairLock.Held held = awaitLock(envelope.taskId(), context.consumer(), owner);
        try {
            // Only a holder asks for a token: one paused since it took the lock must not supersede
            // the coordinator that holds it now.
            if (!lock.renew(held)) {
                throw new IllegalStateException("lost the lock of task " + envelope.taskId()
                        + "'s session before asking for a fencing token; not answering");
            }
            long fence;
            try {
                fence = fences.next(session, envelope.eventId());
            } catch (FenceClient.SessionOver over) {
                log.info(
                        "Task {}: pair session {} is over ({}), nothing to do",
                        envelope.taskId(),
                        session,
                        over.getMessage());
                return HandlerResult.failed("the session is over: " + over.getMessage());
            }
            Turns.Decision decision = Turns.decide(envelope.type(), envelope.payload());
            log.info(
                    "Task {}: pair session {} (fencing token {}) after {}: {} iteration {} ({})",
                    envelope.taskId(),
                    session,
                    fence,
                    envelope.type().equals(MessageTypes.PAIR_START)
                            ? "its start"
                            : envelope.payload().path("step").asString("?"),
                    decision.action(),
                    decision.iteration(),
                    decision.reason());
            if (!lock.renew(held)) {
                // Paused or cut off past the lock's lifetime: another coordinator may hold the
                // session now. Not answering; the entry is tried again by whoever holds it.
                throw new IllegalStateException("lost the lock of task " + envelope.taskId()
                        + "'s session while deciding (fencing token " + fence + "); not answering");
            }
            ObjectNode output = EnvelopeCodec.mapper().createObjectNode();
            output.put("session", session.toString());
            output.put("fence", fence);
            output.put("coordinator", context.consumer());
            output.put("action", decision.action());
            output.put("iteration", decision.iteration());
            output.put("reason", decision.reason());
            if (!decision.pairRole().isEmpty()) {
                output.put("pairRole", decision.pairRole());
            }
            return HandlerResult.completed(output);
        } finally {
            lock.release(held);
        }
    }
}
