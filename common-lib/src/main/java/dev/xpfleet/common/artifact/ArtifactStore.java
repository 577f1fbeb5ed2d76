package dev.xpfleet.common.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where snapshots, reports, prompts and model answers are kept. Every object's SHA-256 is recorded
 * when it is written and returned whenever it is read or described.
 */
public interface ArtifactStore {

    /** Stores bytes under a key (see {@link ArtifactKeys}), replacing what was there. */
    StoredArtifact put(String key, byte[] content, String contentType) throws IOException;

    /** Stores a file without reading it into memory. */
    StoredArtifact put(String key, Path file, String contentType) throws IOException;

    /** Opens an object for reading; the caller closes the stream. Empty when there is no such key. */
    Optional<InputStream> open(String key) throws IOException;

    /** Reads a whole object; meant for small ones (reports, prompts). */
    Optional<byte[]> get(String key) throws IOException;

    /** Size, SHA-256 and content type of an object, without reading it. */
    Optional<StoredArtifact> describe(String key) throws IOException;

    default boolean exists(String key) throws IOException {
        return describe(key).isPresent();
    }
}
