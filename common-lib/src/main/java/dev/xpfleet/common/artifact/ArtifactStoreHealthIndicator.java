package dev.xpfleet.common.artifact;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Up when the artifact bucket answers; part of the readiness group. */
class ArtifactStoreHealthIndicator implements HealthIndicator {

    private final ArtifactBucket bucket;

    ArtifactStoreHealthIndicator(ArtifactBucket bucket) {
        this.bucket = bucket;
    }

    @Override
    public Health health() {
        try {
            return bucket.exists()
                    ? Health.up().withDetail("bucket", bucket.name()).build()
                    : Health.down()
                            .withDetail("bucket", bucket.name())
                            .withDetail("error", "bucket missing")
                            .build();
        } catch (Exception e) {
            return Health.down()
                    .withDetail("bucket", bucket.name())
                    .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .build();
        }
    }
}
