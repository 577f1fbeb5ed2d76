package dev.xpfleet.common.startup;

import dev.xpfleet.common.artifact.S3Clients;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import org.springframework.core.env.Environment;

/**
 * The S3 endpoint answers and accepts the keys. Missing settings are left to the validated
 * properties record, which names them.
 */
class S3Check implements DependencyCheck {

    static final String ENDPOINT = "fleet.artifacts.endpoint";
    static final String ACCESS_KEY = "fleet.artifacts.access-key";
    static final String SECRET_KEY = "fleet.artifacts.secret-key";

    @Override
    public Optional<String> check(Environment env) {
        String endpoint = env.getProperty(ENDPOINT);
        String accessKey = env.getProperty(ACCESS_KEY);
        String secretKey = env.getProperty(SECRET_KEY);
        String bucket = env.getProperty("fleet.artifacts.bucket", "fleet-artifacts");
        if (isBlank(endpoint) || isBlank(accessKey) || isBlank(secretKey)) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(endpoint);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("expected a URL such as http://127.0.0.1:9000");
            }
        } catch (IllegalArgumentException e) {
            throw new StartupCheckException(ENDPOINT, "'%s' is not a URL (%s)".formatted(endpoint, e.getMessage()), e);
        }
        String region = env.getProperty("fleet.artifacts.region", "us-east-1");
        MinioClient client = S3Clients.create(uri, accessKey, secretKey, region, Duration.ofSeconds(5));
        try {
            boolean exists = bucketExists(client, bucket);
            return Optional.of("S3 at %s (bucket %s%s)".formatted(endpoint, bucket, exists ? "" : ", to be created"));
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            String property = "SignatureDoesNotMatch".equals(code) ? SECRET_KEY : ACCESS_KEY;
            throw new StartupCheckException(property, "S3 at %s refused the keys (%s)".formatted(endpoint, code), e);
        } catch (Exception e) {
            throw new StartupCheckException(
                    ENDPOINT, "cannot reach S3 at %s (%s)".formatted(endpoint, RedisCheck.rootMessage(e)), e);
        } finally {
            closeQuietly(client);
        }
    }

    /**
     * Lists at most one key rather than HEAD-ing the bucket: a HEAD answer has no body, so a wrong
     * secret and a wrong access key would look the same.
     */
    private static boolean bucketExists(MinioClient client, String bucket) throws Exception {
        Iterator<Result<Item>> items = client.listObjects(
                        ListObjectsArgs.builder().bucket(bucket).maxKeys(1).build())
                .iterator();
        try {
            if (items.hasNext()) {
                items.next().get();
            }
            return true;
        } catch (ErrorResponseException e) {
            if ("NoSuchBucket".equals(e.errorResponse().code())) {
                return false;
            }
            throw e;
        }
    }

    private static void closeQuietly(MinioClient client) {
        try {
            client.close();
        } catch (Exception e) {
            // Only the check's own connection pool is released here; nothing to report.
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
