package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.sandbox.Reachability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

/**
 * Where the developer's tests keep repositories and workspaces: the sandbox user must reach them,
 * and a checkout under a directory closed to others (CI clones into {@code mktemp -d}) cannot be,
 * so there they live under {@code /var/tmp/xpfleet-dev-tests/<checkout hash>}.
 */
final class DevTestDirs {

    private static final Path MODULE = (Files.isDirectory(Path.of("agents/dev-agent"))
                    ? Path.of("agents/dev-agent")
                    : Path.of("."))
            .toAbsolutePath()
            .normalize();

    private DevTestDirs() {}

    static Path work(String name) {
        try {
            Path target = Files.createDirectories(MODULE.resolve("target"));
            Path base = target;
            if (Reachability.problem(target) != null) {
                Path shared = Files.createDirectories(Path.of("/var/tmp/xpfleet-dev-tests"));
                Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
                base = Files.createDirectories(shared.resolve(
                        HexFormat.of().toHexDigits(MODULE.toString().hashCode())));
                Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return Files.createDirectories(base.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
