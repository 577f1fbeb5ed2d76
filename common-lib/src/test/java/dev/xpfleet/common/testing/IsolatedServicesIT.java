package dev.xpfleet.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Two slices never share data, and closing one leaves nothing behind. */
class IsolatedServicesIT {

    @Test
    void eachSliceHasItsOwnDatabaseWithPgvectorPrefixAndBucket() throws Exception {
        try (IsolatedServices first = IsolatedServices.create("first", true);
                IsolatedServices second = IsolatedServices.create("second", true)) {
            assertThat(first.database()).isNotEqualTo(second.database());
            assertThat(first.redisPrefix()).isNotEqualTo(second.redisPrefix());
            assertThat(first.bucket()).isNotEqualTo(second.bucket());

            try (Connection c = first.openConnection();
                    Statement s = c.createStatement()) {
                s.execute("create table marker(id int)");
                try (ResultSet rs = s.executeQuery("select '[1,2,3]'::vector <-> '[1,2,4]'::vector")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getDouble(1)).isEqualTo(1.0);
                }
            }
            try (Connection c = second.openConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select to_regclass('marker') is null")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1))
                        .as("second database must not see the first's table")
                        .isTrue();
            }
        }
    }

    @Test
    void closeRemovesDatabaseKeysAndBucket() throws Exception {
        IsolatedServices slice = IsolatedServices.create("close", true);
        String key = slice.redisPrefix() + "stream";
        RedisClient redis = RedisClient.create(RedisURI.create(
                slice.endpoints().redis().host(), slice.endpoints().redis().port()));
        try (StatefulRedisConnection<String, String> connection = redis.connect();
                MinioClient s3 = slice.s3Client()) {
            connection.sync().xadd(key, "field", "value");
            byte[] body = "snapshot".getBytes();
            s3.putObject(PutObjectArgs.builder().bucket(slice.bucket()).object("a/b.txt").stream(
                            new ByteArrayInputStream(body), (long) body.length, -1L)
                    .build());

            slice.close();

            assertThat(connection.sync().exists(key)).isZero();
            assertThat(s3.bucketExists(
                            BucketExistsArgs.builder().bucket(slice.bucket()).build()))
                    .isFalse();
            try (IsolatedServices other = IsolatedServices.create("probe", true);
                    Connection c = other.openConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "select count(*) from pg_database where datname = '" + slice.database() + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isZero();
            }
        } finally {
            redis.shutdown();
        }
    }
}
