package dev.xpfleet.common.artifact;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
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

    /** Creates the bucket unless it exists; tolerates another replica creating it at the same time. */
    public void ensureExists() throws MinioException {
        if (exists()) {
            return;
        }
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
