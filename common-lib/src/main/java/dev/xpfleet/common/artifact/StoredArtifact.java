package dev.xpfleet.common.artifact;

/**
 * @param key object key
 * @param size bytes
 * @param sha256 lower-case hex SHA-256 of the content
 * @param contentType MIME type
 * @param versionId the store's version id where versioning is on, else null
 */
public record StoredArtifact(String key, long size, String sha256, String contentType, String versionId) {}
