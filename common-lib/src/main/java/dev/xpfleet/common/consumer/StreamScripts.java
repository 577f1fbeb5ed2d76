package dev.xpfleet.common.consumer;

/**
 * Lua scripts that make "report the result, remember the event, acknowledge the entry" one atomic
 * step in Redis: a consumer that dies at any point either did all of it or none of it. (Redis does
 * not roll back a script that fails halfway, so the step most likely to fail, SET with its TTL,
 * comes first.)
 */
final class StreamScripts {

    private StreamScripts() {}

    /**
     * KEYS: results stream, done key, task stream. ARGV: result JSON, result type, task id, done TTL
     * seconds, group, entry id, results MAXLEN.
     */
    static final String COMPLETE = """
            if redis.call('EXISTS', KEYS[2]) == 0 then
              redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
              redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[7], '*', 'envelope', ARGV[1], 'type', ARGV[2], 'task', ARGV[3])
            end
            return redis.call('XACK', KEYS[3], ARGV[5], ARGV[6])
            """;

    /**
     * KEYS: dead-letter stream, results stream, done key, task stream. ARGV: original fields JSON,
     * reason, deliveries, consumer, result JSON (empty when the envelope was unreadable), result type,
     * task id, done TTL seconds, group, entry id, MAXLEN.
     */
    static final String DEAD_LETTER = """
            redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[11], '*', 'entry_id', ARGV[10], 'reason', ARGV[2],
                       'deliveries', ARGV[3], 'consumer', ARGV[4], 'original', ARGV[1])
            if ARGV[5] ~= '' and redis.call('EXISTS', KEYS[3]) == 0 then
              redis.call('SET', KEYS[3], '1', 'EX', ARGV[8])
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[11], '*', 'envelope', ARGV[5], 'type', ARGV[6], 'task', ARGV[7])
            end
            return redis.call('XACK', KEYS[4], ARGV[9], ARGV[10])
            """;

    /**
     * A sink's dead letter: the entry moved to the dead-letter stream and acknowledged at once.
     * KEYS: dead-letter stream, stream. ARGV: original fields JSON, reason, deliveries, consumer,
     * group, entry id, MAXLEN.
     */
    static final String SINK_DEAD_LETTER = """
            redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[7], '*', 'entry_id', ARGV[6], 'reason', ARGV[2],
                       'deliveries', ARGV[3], 'consumer', ARGV[4], 'original', ARGV[1])
            return redis.call('XACK', KEYS[2], ARGV[5], ARGV[6])
            """;

    /**
     * A retry's claim: XCLAIM (counting the delivery) only when this consumer still owns the entry,
     * never taking it back from one that reclaimed it meanwhile. KEYS: stream. ARGV: group,
     * consumer, entry id. Returns 1 when claimed, 0 when the entry is another's or gone (trimmed).
     */
    static final String RETRY_CLAIM = """
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
            if p[1] and p[1][2] == ARGV[2] then
              local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3])
              if #claimed > 0 then return 1 end
            end
            return 0
            """;

    /**
     * Heartbeat: re-claims (JUSTID, no delivery counted) only the entries this consumer still owns,
     * so a consumer that stalled past the reclaim threshold never takes work back from the one that
     * reclaimed it. KEYS: task stream. ARGV: group, consumer, entry ids. Returns the ids it lost.
     */
    static final String HEARTBEAT = """
            local lost = {}
            for i = 3, #ARGV do
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
              if p[1] and p[1][2] == ARGV[2] then
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
              else
                table.insert(lost, ARGV[i])
              end
            end
            return lost
            """;
}
