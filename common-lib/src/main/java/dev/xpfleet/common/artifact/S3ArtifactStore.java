package dev.xpfleet.common.artifact;

import dev.xpfleet.common.hash.Sha256;
import io.minio.GetObjectArgs;
import io.minio.Http;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** {@link ArtifactStore} over any S3 API (MinIO, S3Proxy, AWS) through the MinIO client. */
public class S3ArtifactStore implements ArtifactStore {

    static final String SHA256_META = "sha256";
    private static final long PART_SIZE = 16L * 1024 * 1024;

    private final MinioClient client;
    private final String bucket;

    public S3ArtifactStore(MinioClient client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    @Override
    public StoredArtifact put(String key, byte[] content, String contentType) throws IOException {
        String sha = sha256(new ByteArrayInputStream(content));
        return upload(key, new ByteArrayInputStream(content), content.length, sha, contentType);
    }

    @Override
    public StoredArtifact put(String key, Path file, String contentType) throws IOException {
        String sha;
        try (InputStream in = Files.newInputStream(file)) {
            sha = sha256(in);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return upload(key, in, Files.size(file), sha, contentType);
        }
    }

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        ArtifactKeys.validate(key);
        try {
            return Optional.of(client.getObject(
                    GetObjectArgs.builder().bucket(bucket).object(key).build()));
        } catch (ErrorResponseException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw failure("read", key, e);
        } catch (MinioException | RuntimeException e) {
            // The client reports network trouble (refused, timed out) as IllegalStateException.
            throw failure("read", key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
        Optional<InputStream> stream = open(key);
        if (stream.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = stream.get()) {
            return Optional.of(in.readAllBytes());
        }
    }

    @Override
    public Optional<StoredArtifact> describe(String key) throws IOException {
        ArtifactKeys.validate(key);
        try {
            StatObjectResponse stat = client.statObject(
                    StatObjectArgs.builder().bucket(bucket).object(key).build());
            Http.Headers meta = stat.userMetadata();
            return Optional.of(new StoredArtifact(
                    key, stat.size(), meta.getFirst(SHA256_META), stat.contentType(), stat.versionId()));
        } catch (ErrorResponseException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw failure("describe", key, e);
        } catch (MinioException | RuntimeException e) {
            // The client reports network trouble (refused, timed out) as IllegalStateException.
            throw failure("describe", key, e);
        }
    }

    private StoredArtifact upload(String key, InputStream in, long size, String sha, String contentType)
            throws IOException {
        ArtifactKeys.validate(key);
        try {
            ObjectWriteResponse response = client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).stream(
                            in, size, size > PART_SIZE ? PART_SIZE : -1L)
                    .contentType(contentType)
                    .userMetadata(Map.of(SHA256_META, sha))
                    .build());
            return new StoredArtifact(key, size, sha, contentType, response.versionId());
        } catch (MinioException | RuntimeException e) {
            // The client reports network trouble (refused, timed out) as IllegalStateException.
            throw failure("write", key, e);
        }
    }

    private static boolean isMissing(ErrorResponseException e) {
        String code = e.errorResponse().code();
        return "NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NotFound".equals(code);
    }

    private IOException failure(String what, String key, Exception e) {
        return new IOException("cannot %s artifact %s/%s: %s".formatted(what, bucket, key, e.getMessage()), e);
    }

    static String sha256(InputStream in) throws IOException {
        try (in) {
            return Sha256.hex(in);
        }
    }
}
