package dev.xpfleet.common.testing;

import dev.xpfleet.common.artifact.S3Clients;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.minio.BucketExistsArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One test class's own slice of the shared services: a fresh database (with pgvector), a Redis key
 * prefix and a bucket, all removed by {@link #close()}.
 */
public final class IsolatedServices implements AutoCloseable {

    /** The webhook secret services under test accept (the orchestrator requires one). */
    public static final String WEBHOOK_SECRET = "it-webhook-secret-0123456789abcdef";

    /** An admin API token services under test accept (the orchestrator's bootstrap token). */
    public static final String API_TOKEN = "it-admin-token-0123456789abcdef0123456789";

    private final ServiceEndpoints endpoints;
    private final String database;
    private final String redisPrefix;
    private final String bucket;

    private IsolatedServices(ServiceEndpoints endpoints, String id, boolean withDatabase) {
        this.endpoints = endpoints;
        this.database = withDatabase ? "it_" + id.replace('-', '_') : null;
        this.redisPrefix = "it:" + id + ":";
        this.bucket = "it-" + id;
    }

    /** Creates the slice; {@code label} (e.g. the test class) makes leftovers recognisable. */
    public static IsolatedServices create(String label, boolean withDatabase) {
        String id = slug(label) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        IsolatedServices services = new IsolatedServices(TestServices.endpoints(), id, withDatabase);
        if (withDatabase) {
            services.createDatabase();
        }
        services.createBucket();
        return services;
    }

    public String jdbcUrl() {
        requireDatabase();
        return endpoints.postgres().jdbcUrl(database);
    }

    public String database() {
        requireDatabase();
        return database;
    }

    public String redisPrefix() {
        return redisPrefix;
    }

    public String bucket() {
        return bucket;
    }

    public ServiceEndpoints endpoints() {
        return endpoints;
    }

    /** Spring properties that point a service at this slice. */
    public Map<String, Object> springProperties() {
        Map<String, Object> props = new HashMap<>();
        if (database != null) {
            props.put("spring.datasource.url", jdbcUrl());
            props.put("spring.datasource.username", endpoints.postgres().user());
            props.put("spring.datasource.password", endpoints.postgres().password());
        }
        props.put("spring.data.redis.host", endpoints.redis().host());
        props.put("spring.data.redis.port", endpoints.redis().port());
        props.put("fleet.streams.prefix", redisPrefix);
        props.put("fleet.artifacts.endpoint", endpoints.s3().endpoint());
        props.put("fleet.artifacts.access-key", endpoints.s3().accessKey());
        props.put("fleet.artifacts.secret-key", endpoints.s3().secretKey());
        props.put("fleet.artifacts.bucket", bucket);
        props.put("fleet.webhook.secrets", WEBHOOK_SECRET);
        props.put("fleet.api.bootstrap-admin-token", API_TOKEN);
        return props;
    }

    public Connection openConnection() throws SQLException {
        return DriverManager.getConnection(
                jdbcUrl(), endpoints.postgres().user(), endpoints.postgres().password());
    }

    public MinioClient s3Client() {
        ServiceEndpoints.S3 s3 = endpoints.s3();
        return S3Clients.create(
                URI.create(s3.endpoint()), s3.accessKey(), s3.secretKey(), "us-east-1", Duration.ofSeconds(10));
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        try {
            deleteRedisKeys();
        } catch (Exception e) {
            failure = e;
        }
        try {
            deleteBucket();
        } catch (Exception e) {
            failure = addTo(failure, e);
        }
        if (database != null) {
            try {
                adminSql("drop database if exists " + database + " with (force)");
            } catch (Exception e) {
                failure = addTo(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void createDatabase() {
        String template = endpoints.postgres().template();
        try {
            if (template != null) {
                adminSql("create database " + database + " template " + template);
            } else {
                adminSql("create database " + database);
                try (Connection c = openConnection();
                        Statement s = c.createStatement()) {
                    s.execute("create extension if not exists vector");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + database + ": " + e.getMessage(), e);
        }
    }

    private void adminSql(String sql) throws SQLException {
        ServiceEndpoints.Postgres pg = endpoints.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void createBucket() {
        try (MinioClient client = s3Client()) {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot create test bucket %s at %s (%s): the local S3 endpoint is down or belongs to another checkout: run 'deploy/local/fleet provision'"
                            .formatted(bucket, endpoints.s3().endpoint(), e.getMessage()),
                    e);
        }
    }

    private void deleteBucket() throws Exception {
        try (MinioClient client = s3Client()) {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                return;
            }
            for (Result<Item> item : client.listObjects(
                    ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
                client.removeObject(RemoveObjectArgs.builder()
                        .bucket(bucket)
                        .object(item.get().objectName())
                        .build());
            }
            client.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());
        }
    }

    private void deleteRedisKeys() {
        RedisClient client = RedisClient.create(
                RedisURI.create(endpoints.redis().host(), endpoints.redis().port()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = connection
                        .sync()
                        .scan(
                                cursor,
                                ScanArgs.Builder.matches(redisPrefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    connection.sync().unlink(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private void requireDatabase() {
        if (database == null) {
            throw new IllegalStateException("this test asked for no database");
        }
    }

    private static Exception addTo(Exception first, Exception next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static String slug(String label) {
        String slug =
                label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return slug.length() > 30 ? slug.substring(slug.length() - 30).replaceAll("^-", "") : slug;
    }
}
