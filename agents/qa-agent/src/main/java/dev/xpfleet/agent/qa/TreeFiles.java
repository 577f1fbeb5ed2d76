package dev.xpfleet.agent.qa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Repository files the agent reads itself: only regular files inside the tree, never through a link. */
public final class TreeFiles {

    private TreeFiles() {}

    /**
     * The regular file at {@code path} in {@code root}, or null when it is outside the tree, reached
     * through a link (itself or a directory above it), missing, or larger than {@code maxBytes}.
     */
    public static Path regular(Path root, String path, long maxBytes) throws IOException {
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root)
                || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                || !file.toRealPath().startsWith(root.toRealPath())
                || Files.size(file) > maxBytes) {
            return null;
        }
        return file;
    }
}
