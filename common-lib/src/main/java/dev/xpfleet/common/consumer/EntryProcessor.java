package dev.xpfleet.common.consumer;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.function.BooleanSupplier;

/** Takes one stream entry from delivery to acknowledgement; the reader hands it one at a time. */
interface EntryProcessor {

    /**
     * Handles an entry delivered {@code delivery} times (0 = unknown: look it up). The caller keeps
     * the entry tracked by the {@link Heartbeat} from before this call until after it.
     */
    void process(StreamMessage<String, String> entry, long delivery);

    /** Makes the processor once the runtime has its command connection. */
    @FunctionalInterface
    interface Factory {
        EntryProcessor create(RedisCommands<String, String> redis, ConsumerMetrics metrics, BooleanSupplier running);
    }
}
