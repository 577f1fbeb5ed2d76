package dev.xpfleet.common.consumer;

import io.lettuce.core.Consumer;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps running entries owned: re-claims them (XCLAIM JUSTID, which does not count a delivery) so
 * their idle time stays far below the reclaim threshold and no other consumer steals a slow call.
 */
final class Heartbeat implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final RedisCommands<String, String> redis;
    private final String stream;
    private final Consumer<String> consumer;

    Heartbeat(RedisCommands<String, String> redis, String stream, Consumer<String> consumer) {
        this.redis = redis;
        this.stream = stream;
        this.consumer = consumer;
    }

    void track(String entryId) {
        running.add(entryId);
    }

    void untrack(String entryId) {
        running.remove(entryId);
    }

    @Override
    public void run() {
        if (running.isEmpty()) {
            return;
        }
        try {
            redis.xclaim(stream, consumer, XClaimArgs.Builder.justid(), running.toArray(String[]::new));
        } catch (RuntimeException e) {
            log.warn("Heartbeat for {} entries on {} failed: {}", running.size(), stream, e.getMessage());
        }
    }
}
