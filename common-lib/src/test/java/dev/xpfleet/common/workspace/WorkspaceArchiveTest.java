package dev.xpfleet.common.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceArchiveTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripsFilesDirectoriesExecutableBitsAndInnerLinks() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(Files.createDirectories(src.resolve("a/b")).resolve("Main.java"), "class Main {}");
        Path script = Files.writeString(src.resolve("run.sh"), "#!/bin/sh\n");
        script.toFile().setExecutable(true);
        Files.createSymbolicLink(src.resolve("link"), Path.of("a/b/Main.java"));
        Path archive = tmp.resolve("w.tar.gz");

        WorkspaceArchive.pack(src, archive);
        Path restored = tmp.resolve("restored");
        WorkspaceArchive.restore(archive, restored, 1_000_000);

        assertThat(restored.resolve("a/b/Main.java")).hasContent("class Main {}");
        assertThat(Files.isExecutable(restored.resolve("run.sh"))).isTrue();
        assertThat(Files.readSymbolicLink(restored.resolve("link"))).isEqualTo(Path.of("a/b/Main.java"));
    }

    @Test
    void refusesEveryMaliciousArchiveAndLeavesNothingBehind() throws Exception {
        Object[][] corpus = {
            {"dot-dot", file("../evil.txt"), "climbs out"},
            {"nested-dot-dot", file("a/../../evil.txt"), "climbs out"},
            {"absolute", file("/tmp/evil.txt"), "absolute"},
            {"link-absolute", link("l", "/etc"), "absolute path"},
            {"link-outside", link("l", "../../outside"), "outside"},
            {"hard-link", hardLink("h", "/etc/passwd"), "hard link"},
        };
        for (Object[] sample : corpus) {
            Path archive = tmp.resolve(sample[0] + ".tar.gz");
            write(archive, (Entry) sample[1]);
            Path target = tmp.resolve("out-" + sample[0]);

            assertThatThrownBy(() -> WorkspaceArchive.restore(archive, target, 1_000_000))
                    .as((String) sample[0])
                    .isInstanceOf(UnsafeArchiveException.class)
                    .hasMessageContaining((String) sample[2]);
            assertThat(target).as((String) sample[0]).doesNotExist();
        }
        assertThat(tmp.resolve("evil.txt")).doesNotExist();
        assertThat(tmp.getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void refusesAnArchiveThatExpandsBeyondTheLimit() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("big"));
        Files.write(src.resolve("zeros.bin"), new byte[200_000]);
        Path archive = tmp.resolve("big.tar.gz");
        WorkspaceArchive.pack(src, archive);

        assertThat(Files.size(archive)).isLessThan(2_000);
        assertThatThrownBy(() -> WorkspaceArchive.restore(archive, tmp.resolve("out"), 100_000))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("beyond the limit of 100000 bytes");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void refusesToRestoreOverExistingFiles() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("s"));
        Files.writeString(src.resolve("x"), "x");
        Path archive = tmp.resolve("s.tar.gz");
        WorkspaceArchive.pack(src, archive);
        Path busy = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(busy.resolve("keep"), "mine");

        assertThatThrownBy(() -> WorkspaceArchive.restore(archive, busy, 1_000))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not empty");
        assertThat(busy.resolve("keep")).hasContent("mine");
    }

    private record Entry(String name, byte type, String linkName) {}

    private static Entry file(String name) {
        return new Entry(name, TarArchiveEntry.LF_NORMAL, null);
    }

    private static Entry link(String name, String target) {
        return new Entry(name, TarArchiveEntry.LF_SYMLINK, target);
    }

    private static Entry hardLink(String name, String target) {
        return new Entry(name, TarArchiveEntry.LF_LINK, target);
    }

    private static void write(Path archive, Entry spec) throws IOException {
        byte[] body = "evil".getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(archive);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            // preserveAbsolutePath: the corpus needs the names exactly as an attacker writes them.
            TarArchiveEntry entry = new TarArchiveEntry(spec.name(), spec.type(), true);
            if (spec.linkName() != null) {
                entry.setLinkName(spec.linkName());
            } else {
                entry.setSize(body.length);
            }
            tar.putArchiveEntry(entry);
            if (spec.linkName() == null) {
                tar.write(body);
            }
            tar.closeArchiveEntry();
        }
    }
}
