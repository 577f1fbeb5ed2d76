package dev.xpfleet.common.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * What a sandboxed command may reach besides its workspace.
 *
 * @param network whether it shares the host's network (only a dependency prefetch does; it still
 *     runs as nobody, with limits, and can write nothing but its workspace and {@code writable})
 * @param writable further directories it may write, e.g. the repository's dependency cache during
 *     the prefetch; everything else stays read-only
 * @param ownWritable whether everything in {@code writable} is given to the sandbox user; false
 *     when the caller prepared them (a hard-linked copy whose files must stay root's)
 * @param readable directories it must be able to read although they may lie in a place it
 *     cannot see (under {@code /tmp}, which it gets empty, or below a directory closed to others):
 *     the analysers' jars, the dependency cache in an offline run
 */
public record SandboxAccess(boolean network, List<Path> writable, List<Path> readable, boolean ownWritable) {

    public static final SandboxAccess OFFLINE = new SandboxAccess(false, List.of(), List.of());

    public SandboxAccess {
        writable = List.copyOf(writable);
        readable = List.copyOf(readable);
    }

    /** Writable directories handed to the sandbox user whole (everything in them chowned to it). */
    public SandboxAccess(boolean network, List<Path> writable, List<Path> readable) {
        this(network, writable, readable, true);
    }

    /** Offline, with these directories readable. */
    public static SandboxAccess reading(Path... dirs) {
        return new SandboxAccess(false, List.of(), List.of(dirs));
    }
}
