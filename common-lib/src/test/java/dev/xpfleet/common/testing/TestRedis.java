package dev.xpfleet.common.testing;

import dev.xpfleet.common.stream.StreamNames;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/** A Redis connection to a test slice, with the slice's stream names; close it after the test. */
public final class TestRedis implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final StreamNames names;

    public TestRedis(IsolatedServices services) {
        this.client = RedisClient.create(RedisURI.create(
                services.endpoints().redis().host(),
                services.endpoints().redis().port()));
        this.connection = client.connect();
        this.names = new StreamNames(services.redisPrefix());
    }

    public RedisCommands<String, String> commands() {
        return connection.sync();
    }

    public StreamNames names() {
        return names;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
