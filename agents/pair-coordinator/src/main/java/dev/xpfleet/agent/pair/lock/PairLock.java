package dev.xpfleet.agent.pair.lock;

import dev.xpfleet.common.stream.StreamNames;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * {@code pair:lock:<task>} in Redis: taken with {@code SET NX PX} under an owner token, renewed
 * and released only by that owner (checked in a script, so an owner whose lock expired and was
 * taken by another cannot touch the new one). The lock alone does not protect the task: a paused
 * owner may still believe it holds it; the fencing token the orchestrator hands out with each
 * acquisition does.
 */
public final class PairLock {

    private static final RedisScript<Long> RENEW = RedisScript.of(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
            Long.class);
    private static final RedisScript<Long> RELEASE = RedisScript.of(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
            Long.class);

    private static final RedisScript<Long> TAKE_OVER = RedisScript.of(
            "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])"
                    + " return 1 else return 0 end",
            Long.class);

    private final StringRedisTemplate redis;
    private final StreamNames names;
    private final Duration ttl;

    /** A lock this process holds (as far as it knows). */
    public record Held(String key, String owner) {}

    public PairLock(StringRedisTemplate redis, StreamNames names, Duration ttl) {
        this.redis = redis;
        this.names = names;
        this.ttl = ttl;
    }

    /** Takes the task's lock for {@code owner}, or empty while someone else holds it. */
    public Optional<Held> acquire(UUID task, String owner) {
        String key = names.pairLock(task);
        Boolean taken = redis.opsForValue().setIfAbsent(key, owner, ttl);
        return Boolean.TRUE.equals(taken) ? Optional.of(new Held(key, owner)) : Optional.empty();
    }

    /**
     * Takes the task's lock from {@code deadOwner} (one known to be gone), only while it is still
     * that owner's: an owner that changed meanwhile is left alone.
     */
    public Optional<Held> takeOver(UUID task, String deadOwner, String owner) {
        String key = names.pairLock(task);
        Long done = redis.execute(TAKE_OVER, List.of(key), deadOwner, owner, String.valueOf(ttl.toMillis()));
        return done != null && done == 1 ? Optional.of(new Held(key, owner)) : Optional.empty();
    }

    /** Extends the lock by the TTL; false when it is no longer this owner's (expired, taken over). */
    public boolean renew(Held held) {
        Long done = redis.execute(RENEW, List.of(held.key()), held.owner(), String.valueOf(ttl.toMillis()));
        return done != null && done == 1;
    }

    /** Gives the lock up if it is still this owner's; another owner's lock is left alone. */
    public void release(Held held) {
        redis.execute(RELEASE, List.of(held.key()), held.owner());
    }

    /** Who holds the task's lock now, if anyone. */
    public Optional<String> holder(UUID task) {
        return Optional.ofNullable(redis.opsForValue().get(names.pairLock(task)));
    }
}
