package dev.xpfleet.common.testing;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same three services from Testcontainers, started once per JVM where a Docker engine runs.
 * Ryuk removes them when the JVM ends.
 */
final class ContainerServices {

    private ContainerServices() {}

    @SuppressWarnings("resource") // kept for the whole JVM; Ryuk stops them
    static ServiceEndpoints start() {
        PostgreSQLContainer postgres = new PostgreSQLContainer(
                DockerImageName.parse("pgvector/pgvector:pg15").asCompatibleSubstituteFor("postgres"));
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
                .withCommand("redis-server", "--appendonly", "yes")
                .withExposedPorts(6379);
        MinIOContainer minio = new MinIOContainer(DockerImageName.parse("minio/minio:RELEASE.2025-04-22T22-12-26Z"));
        postgres.start();
        redis.start();
        minio.start();
        return new ServiceEndpoints(
                new ServiceEndpoints.Postgres(
                        postgres.getHost(),
                        postgres.getMappedPort(5432),
                        postgres.getUsername(),
                        postgres.getPassword(),
                        null),
                new ServiceEndpoints.Redis(redis.getHost(), redis.getMappedPort(6379)),
                new ServiceEndpoints.S3(minio.getS3URL(), minio.getUserName(), minio.getPassword()),
                "Testcontainers");
    }
}
