package dev.xpfleet.common.artifact;

import io.minio.MinioClient;
import io.minio.errors.MinioException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Wires the S3 client and the fleet's bucket into every service. */
@AutoConfiguration
@EnableConfigurationProperties(ArtifactStoreProperties.class)
public class ArtifactStoreAutoConfiguration {

    @Bean(destroyMethod = "close")
    MinioClient artifactMinioClient(ArtifactStoreProperties properties) {
        return S3Clients.create(properties);
    }

    @Bean
    ArtifactBucket artifactBucket(MinioClient artifactMinioClient, ArtifactStoreProperties properties)
            throws MinioException {
        ArtifactBucket bucket = new ArtifactBucket(artifactMinioClient, properties.bucket());
        bucket.ensureExists();
        return bucket;
    }

    @Bean
    ArtifactStore artifactStore(MinioClient artifactMinioClient, ArtifactBucket artifactBucket) {
        return new S3ArtifactStore(artifactMinioClient, artifactBucket.name());
    }

    @Bean
    ArtifactStoreHealthIndicator artifactsHealthIndicator(ArtifactBucket artifactBucket) {
        return new ArtifactStoreHealthIndicator(artifactBucket);
    }
}
