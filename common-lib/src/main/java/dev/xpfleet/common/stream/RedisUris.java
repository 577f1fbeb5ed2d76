package dev.xpfleet.common.stream;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/** A Lettuce URI from Boot's Redis settings, for code that drives Redis Streams directly. */
public final class RedisUris {

    private RedisUris() {}

    public static RedisURI from(DataRedisConnectionDetails details) {
        DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
        if (standalone == null) {
            throw new IllegalStateException(
                    "Redis Streams need a standalone Redis (spring.data.redis.host/port); Sentinel and Cluster are not supported");
        }
        RedisURI.Builder builder = RedisURI.builder()
                .withHost(standalone.getHost())
                .withPort(standalone.getPort())
                .withDatabase(standalone.getDatabase())
                .withTimeout(Duration.ofSeconds(5));
        if (details.getPassword() != null) {
            if (details.getUsername() != null) {
                builder.withAuthentication(
                        details.getUsername(), details.getPassword().toCharArray());
            } else {
                builder.withPassword(details.getPassword().toCharArray());
            }
        }
        return builder.build();
    }
}
