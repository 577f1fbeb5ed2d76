package dev.xpfleet.common.consumer;

import dev.xpfleet.common.retry.Backoff;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessage;
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
     * Waits before the attempt after delivery {@code delivery}, then claims the entry again, counting
     * the delivery; only while it is still this consumer's (another may have reclaimed it while this
     * one could not reach Redis: then it is left to that one).
     *
     * @return false when the runtime is stopping or the entry is no longer this consumer's
     */
    boolean retry(String id, long delivery) {
        if (!pause(delivery)) {
            return false;
        }
        Long claimed = redis.eval(
                StreamScripts.RETRY_CLAIM,
                ScriptOutputType.INTEGER,
                new String[] {stream},
                consumer.getGroup(),
                consumer.getName(),
                id);
        return claimed != null && claimed == 1;
    }

    /**
     * The pause after the {@code failures}-th failure in a row.
     *
     * @return false when the runtime is stopping
     */
    boolean pause(long failures) {
        try {
            Thread.sleep(backoff.after(failures));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return running.getAsBoolean();
    }

    long deliveries(String id) {
        List<PendingMessage> pending = redis.xpending(stream, consumer.getGroup(), Range.create(id, id), Limit.from(1));
        return pending.isEmpty() ? 1 : pending.get(0).getRedeliveryCount();
    }

    static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
