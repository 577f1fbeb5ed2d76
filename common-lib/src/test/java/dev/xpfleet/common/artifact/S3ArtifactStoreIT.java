package dev.xpfleet.common.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.testing.IsolatedServices;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on the real local S3 endpoint, plus what happens when the endpoint is gone. */
class S3ArtifactStoreIT extends ArtifactStoreContract {

    private static IsolatedServices services;
    private static MinioClient client;

    @BeforeAll
    static void setUp() {
        services = IsolatedServices.create(S3ArtifactStoreIT.class.getSimpleName(), false);
        client = services.s3Client();
    }

    @AfterAll
    static void tearDown() throws Exception {
        client.close();
        services.close();
    }

    @Override
    protected ArtifactStore store() {
        return new S3ArtifactStore(client, services.bucket());
    }

    @Test
    void anUnreachableStoreFailsWithTheKeyAndCauseInsteadOfHanging() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        MinioClient dead =
                S3Clients.create(URI.create("http://127.0.0.1:" + port), "k", "s", "us-east-1", Duration.ofSeconds(2));
        ArtifactStore store = new S3ArtifactStore(dead, "fleet-artifacts");
        String key = ArtifactKeys.task(UUID.randomUUID(), "report.json");

        assertThatThrownBy(() -> store.put(key, new byte[] {1}, "application/json"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot write artifact fleet-artifacts/" + key);
        assertThatThrownBy(() -> store.describe(key)).isInstanceOf(IOException.class);
        dead.close();
    }

    @Test
    void theBucketIsCreatedAtStartupAndSurvivesAStoreWithoutVersioning() throws Exception {
        String name = "it-bucket-" + Long.toHexString(System.nanoTime());
        ArtifactBucket bucket = new ArtifactBucket(client, name);

        bucket.ensureExists();
        bucket.ensureExists();

        assertThat(bucket.exists()).isTrue();
        client.removeBucket(io.minio.RemoveBucketArgs.builder().bucket(name).build());
    }
}
