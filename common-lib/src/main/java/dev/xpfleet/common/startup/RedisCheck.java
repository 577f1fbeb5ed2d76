package dev.xpfleet.common.startup;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Optional;
import org.springframework.core.env.Environment;

/** Redis answers PING with the configured host, port and credentials. Every service uses it. */
class RedisCheck implements DependencyCheck {

    static final String HOST = "spring.data.redis.host";
    static final String PORT = "spring.data.redis.port";
    static final String URL = "spring.data.redis.url";
    static final String PASSWORD = "spring.data.redis.password";

    @Override
    public Optional<String> check(Environment env) {
        String url = env.getProperty(URL);
        RedisURI uri;
        String where;
        String addressProperty;
        if (url != null && !url.isBlank()) {
            uri = RedisURI.create(url);
            where = uri.getHost() + ":" + uri.getPort();
            addressProperty = URL;
        } else {
            String host = env.getProperty(HOST, "localhost");
            int port = env.getProperty(PORT, Integer.class, 6379);
            RedisURI.Builder builder = RedisURI.builder().withHost(host).withPort(port);
            String password = env.getProperty(PASSWORD);
            String username = env.getProperty("spring.data.redis.username");
            if (password != null && !password.isEmpty()) {
                if (username != null && !username.isEmpty()) {
                    builder.withAuthentication(username, password.toCharArray());
                } else {
                    builder.withPassword(password.toCharArray());
                }
            }
            uri = builder.withDatabase(env.getProperty("spring.data.redis.database", Integer.class, 0))
                    .build();
            where = host + ":" + port;
            addressProperty = HOST;
        }
        uri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create();
        try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
            String info = connection.sync().info("server");
            return Optional.of("Redis %s at %s".formatted(field(info, "redis_version"), where));
        } catch (RedisCommandExecutionException e) {
            throw new StartupCheckException(
                    PASSWORD,
                    "Redis at %s refused the command (%s)".formatted(where, PostgresCheck.firstLine(e.getMessage())),
                    e);
        } catch (RuntimeException e) {
            String reason = rootMessage(e);
            String property = reason.contains("NOAUTH") || reason.contains("WRONGPASS") ? PASSWORD : addressProperty;
            throw new StartupCheckException(property, "cannot connect to Redis at %s (%s)".formatted(where, reason), e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "?";
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return PostgresCheck.firstLine(message);
    }
}
