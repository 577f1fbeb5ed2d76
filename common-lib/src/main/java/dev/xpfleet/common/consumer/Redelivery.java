package dev.xpfleet.common.consumer;

import dev.xpfleet.common.retry.Backoff;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Retrying an entry in place: the pause before the next attempt (doubling from {@code
 * retry-backoff} up to {@code retry-backoff-max}), the claim that counts the delivery, and the
 * delivery count Redis keeps. What both processors share.
 */
final class Redelivery {

    private final RedisCommands<String, String> redis;
    private final String stream;
    private final Consumer<String> consumer;
    private final BooleanSupplier running;
    private final Backoff backoff;

    Redelivery(
            RedisCommands<String, String> redis,
            String stream,
            Consumer<String> consumer,
            ConsumerProperties props,
            BooleanSupplier running) {
        this.redis = redis;
        this.stream = stream;
        this.consumer = consumer;
        this.running = running;
        this.backoff = new Backoff(props.retryBackoff(), props.retryBackoffMax());
    }

    /**
     * Waits before the attempt after delivery {@code delivery}, then claims the entry again.
     *
     * @return false when the runtime is stopping or the entry is no longer this consumer's
     */
    boolean retry(String id, long delivery) {
        Duration pause = backoff.after(delivery);
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!running.getAsBoolean()) {
            return false;
        }
        // XCLAIM without JUSTID counts the next delivery.
        List<StreamMessage<String, String>> claimed =
                redis.xclaim(stream, consumer, XClaimArgs.Builder.minIdleTime(0), id);
        return !claimed.isEmpty();
    }

    long deliveries(String id) {
        List<PendingMessage> pending = redis.xpending(stream, consumer.getGroup(), Range.create(id, id), Limit.from(1));
        return pending.isEmpty() ? 1 : pending.get(0).getRedeliveryCount();
    }

    static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
