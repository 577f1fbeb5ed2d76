package dev.xpfleet.common.consumer;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps running entries owned: re-claims them (XCLAIM JUSTID, which does not count a delivery) so
 * their idle time stays far below the reclaim threshold and no other consumer steals a slow call.
 * An entry another consumer has taken over meanwhile is left to it.
 */
final class Heartbeat implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final RedisCommands<String, String> redis;
    private final String stream;
    private final String group;
    private final String consumer;
    private final Runnable onRedisError;

    Heartbeat(
            RedisCommands<String, String> redis, String stream, String group, String consumer, Runnable onRedisError) {
        this.onRedisError = onRedisError;
        this.redis = redis;
        this.stream = stream;
        this.group = group;
        this.consumer = consumer;
    }

    /** Starts keeping an entry owned; false when it is tracked (so running) already. */
    boolean track(String entryId) {
        return running.add(entryId);
    }

    boolean isTracked(String entryId) {
        return running.contains(entryId);
    }

    void untrack(String entryId) {
        running.remove(entryId);
    }

    @Override
    public void run() {
        if (running.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of(group, consumer));
        args.addAll(running);
        try {
            List<Object> lost = redis.eval(
                    StreamScripts.HEARTBEAT,
                    ScriptOutputType.MULTI,
                    new String[] {stream},
                    args.toArray(String[]::new));
            if (!lost.isEmpty()) {
                log.warn(
                        "{} running entries of {} were taken over by another consumer (this one stalled): {}",
                        lost.size(),
                        stream,
                        lost);
            }
        } catch (RuntimeException e) {
            onRedisError.run();
            log.warn("Heartbeat for {} entries on {} failed: {}", running.size(), stream, e.getMessage());
        }
    }
}
