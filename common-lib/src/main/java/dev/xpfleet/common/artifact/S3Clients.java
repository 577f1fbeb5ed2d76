package dev.xpfleet.common.artifact;

import io.minio.MinioClient;
import java.net.URI;
import java.time.Duration;

/** Builds MinIO clients with bounded timeouts, so a stalled endpoint never hangs a caller. */
public final class S3Clients {

    private S3Clients() {}

    public static MinioClient create(
            URI endpoint, String accessKey, String secretKey, String region, Duration timeout) {
        MinioClient client = MinioClient.builder()
                .endpoint(endpoint.toString())
                .credentials(accessKey, secretKey)
                .region(region)
                .build();
        long millis = timeout.toMillis();
        client.setTimeout(millis, millis, millis);
        return client;
    }

    public static MinioClient create(ArtifactStoreProperties properties) {
        return create(
                properties.endpoint(),
                properties.accessKey(),
                properties.secretKey(),
                properties.region(),
                properties.timeout());
    }
}
