package dev.xpfleet.common.workspace;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Packs a directory as {@code tar.gz} and restores one into an empty directory. Restoring treats the
 * archive as hostile: entries with absolute paths or {@code ..}, links pointing outside, hard links,
 * devices, and archives larger than the limit are refused, and nothing is left behind on refusal.
 */
public final class WorkspaceArchive {

    private WorkspaceArchive() {}

    /** Writes every file, directory and symbolic link under {@code dir} to {@code archive}. */
    public static void pack(Path dir, Path archive) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.filter(p -> !p.equals(dir)).sorted().toList();
        }
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(archive));
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path path : paths) {
                String name = dir.relativize(path).toString().replace('\\', '/');
                TarArchiveEntry entry;
                if (Files.isSymbolicLink(path)) {
                    entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(path).toString());
                } else {
                    entry = new TarArchiveEntry(
                            path, name + (Files.isDirectory(path) ? "/" : ""), LinkOption.NOFOLLOW_LINKS);
                }
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    entry.setMode(Files.isExecutable(path) ? 0100755 : 0100644);
                }
                tar.putArchiveEntry(entry);
                if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(path, tar);
                }
                tar.closeArchiveEntry();
            }
        }
    }

    /**
     * Restores {@code archive} into {@code dir}, which must not exist or be empty.
     *
     * @param maxBytes limit on the total size of the restored files
     * @throws UnsafeArchiveException naming the offending entry; {@code dir} is then removed
     */
    public static void restore(Path archive, Path dir, long maxBytes) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> existing = Files.list(dir)) {
                if (existing.findAny().isPresent()) {
                    throw new IOException("restore target " + dir + " is not empty");
                }
            }
        }
        Path root = Files.createDirectories(dir).toRealPath();
        try {
            extract(archive, root, maxBytes);
        } catch (IOException | RuntimeException e) {
            deleteTree(root);
            throw e;
        }
    }

    private static void extract(Path archive, Path root, long maxBytes) throws IOException {
        long written = 0;
        List<TarArchiveEntry> links = new ArrayList<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
                GzipCompressorInputStream gzip = new GzipCompressorInputStream(file);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = inside(root, entry.getName(), entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    links.add(entry);
                } else if (entry.isFile() && !entry.isLink()) {
                    written += entry.getSize();
                    if (written > maxBytes) {
                        throw new UnsafeArchiveException("archive expands beyond the limit of %d bytes at entry '%s'"
                                .formatted(maxBytes, entry.getName()));
                    }
                    Files.createDirectories(target.getParent());
                    requireNoLinkOnTheWay(root, target, entry.getName());
                    long copied = Files.copy(limited(tar, entry.getSize()), target);
                    if (copied != entry.getSize()) {
                        throw new UnsafeArchiveException("entry '%s' is truncated".formatted(entry.getName()));
                    }
                    if ((entry.getMode() & 0100) != 0) {
                        Files.setPosixFilePermissions(target, executable());
                    }
                } else {
                    throw new UnsafeArchiveException(
                            "entry '%s' is a hard link, device or other special file".formatted(entry.getName()));
                }
            }
        }
        // Links last, so no file is ever written through one.
        for (TarArchiveEntry link : links) {
            Path at = inside(root, link.getName(), link.getName());
            Path linkTarget = Path.of(link.getLinkName());
            if (linkTarget.isAbsolute()) {
                throw new UnsafeArchiveException("link '%s' points to an absolute path".formatted(link.getName()));
            }
            if (!at.getParent().resolve(linkTarget).normalize().startsWith(root)) {
                throw new UnsafeArchiveException("link '%s' points outside the workspace".formatted(link.getName()));
            }
            Files.createDirectories(at.getParent());
            Files.createSymbolicLink(at, linkTarget);
        }
    }

    /** Resolves an entry name under root, refusing anything that would land outside. */
    private static Path inside(Path root, String name, String entryName) throws UnsafeArchiveException {
        if (name.startsWith("/") || name.contains("\\") || name.contains("\0")) {
            throw new UnsafeArchiveException("entry '%s' has an absolute or unsafe path".formatted(entryName));
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new UnsafeArchiveException("entry '%s' climbs out with '..'".formatted(entryName));
            }
        }
        Path resolved = root.resolve(name).normalize();
        if (!resolved.startsWith(root)) {
            throw new UnsafeArchiveException("entry '%s' resolves outside the workspace".formatted(entryName));
        }
        return resolved;
    }

    private static void requireNoLinkOnTheWay(Path root, Path target, String entryName) throws IOException {
        for (Path p = target.getParent(); p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new UnsafeArchiveException("entry '%s' would be written through a link".formatted(entryName));
            }
        }
    }

    private static InputStream limited(InputStream in, long size) {
        return new InputStream() {
            private long left = size;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(buffer, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }

    private static Set<PosixFilePermission> executable() {
        return Set.of(
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_EXECUTE);
    }

    /** Deletes a file or a directory tree; links are removed, never followed. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
