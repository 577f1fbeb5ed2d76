package dev.xpfleet.common.artifact;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.SetBucketVersioningArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.VersioningConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The fleet's bucket: created at startup when missing; its reachability is the readiness signal. */
public class ArtifactBucket {

    private static final Logger log = LoggerFactory.getLogger(ArtifactBucket.class);

    private final MinioClient client;
    private final String name;

    public ArtifactBucket(MinioClient client, String name) {
        this.client = client;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Creates the bucket unless it exists (tolerating another replica creating it at the same time)
     * and turns versioning on where the store supports it; nothing depends on versioning.
     */
    public void ensureExists() throws MinioException {
        if (!exists()) {
            create();
        }
        enableVersioning();
    }

    private void enableVersioning() {
        try {
            client.setBucketVersioning(SetBucketVersioningArgs.builder()
                    .bucket(name)
                    .config(new VersioningConfiguration(VersioningConfiguration.Status.ENABLED, null, null, null))
                    .build());
        } catch (MinioException | RuntimeException e) {
            log.info("Bucket {} stays unversioned: the store refused versioning ({})", name, e.getMessage());
        }
    }

    private void create() throws MinioException {
        try {
            client.makeBucket(MakeBucketArgs.builder().bucket(name).build());
            log.info("Created bucket {}", name);
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw e;
            }
        }
    }

    public boolean exists() throws MinioException {
        return client.bucketExists(BucketExistsArgs.builder().bucket(name).build());
    }
}
