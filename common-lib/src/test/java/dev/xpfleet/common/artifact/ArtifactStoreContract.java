package dev.xpfleet.common.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link ArtifactStore} adapter must do; one small subclass per adapter. */
public abstract class ArtifactStoreContract {

    /** A store with nothing in it, fresh for each test class. */
    protected abstract ArtifactStore store();

    @Test
    void storesBytesAndReturnsTheirSha256() throws Exception {
        byte[] content = "hello fleet".getBytes(StandardCharsets.UTF_8);
        String key = ArtifactKeys.task(UUID.randomUUID(), "qa", "report.json");

        StoredArtifact stored = store().put(key, content, "application/json");

        // sha256("hello fleet")
        String expected = S3ArtifactStore.sha256(new java.io.ByteArrayInputStream(content));
        assertThat(stored.sha256()).isEqualTo(expected).hasSize(64);
        assertThat(store().get(key)).hasValueSatisfying(read -> assertThat(read).isEqualTo(content));
        assertThat(store().describe(key)).hasValueSatisfying(d -> {
            assertThat(d.size()).isEqualTo(content.length);
            assertThat(d.sha256()).isEqualTo(expected);
            assertThat(d.contentType()).isEqualTo("application/json");
        });
        assertThat(store().exists(key)).isTrue();
    }

    @Test
    void streamsLargeFilesBothWays(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("snapshot.tar.gz");
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(content);
        Files.write(file, content);
        String key = ArtifactKeys.pairSnapshot(UUID.randomUUID(), 3);

        StoredArtifact stored = store().put(key, file, "application/gzip");

        assertThat(stored.size()).isEqualTo(content.length);
        try (InputStream in = store().open(key).orElseThrow()) {
            assertThat(S3ArtifactStore.sha256(in)).isEqualTo(stored.sha256());
        }
    }

    @Test
    void aMissingKeyIsEmptyNotAnError() throws Exception {
        String key = ArtifactKeys.task(UUID.randomUUID(), "nothing-here.txt");

        assertThat(store().open(key)).isEmpty();
        assertThat(store().get(key)).isEmpty();
        assertThat(store().describe(key)).isEmpty();
        assertThat(store().exists(key)).isFalse();
    }

    @Test
    void overwritingReplacesContentAndChecksum() throws Exception {
        String key = ArtifactKeys.task(UUID.randomUUID(), "prompt.txt");
        StoredArtifact first = store().put(key, "one".getBytes(StandardCharsets.UTF_8), "text/plain");

        StoredArtifact second = store().put(key, "two".getBytes(StandardCharsets.UTF_8), "text/plain");

        assertThat(second.sha256()).isNotEqualTo(first.sha256());
        assertThat(store().get(key))
                .hasValueSatisfying(read ->
                        assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo("two"));
        assertThat(store().describe(key).orElseThrow().sha256()).isEqualTo(second.sha256());
    }

    @Test
    void keysThatCouldEscapeTheirPrefixAreRefused() {
        for (String bad : new String[] {"../x", "/abs", "a//b", "tasks/x/../../y", "a b", "", "tasks/./x"}) {
            assertThatThrownBy(() -> store().put(bad, new byte[] {1}, "application/octet-stream"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
