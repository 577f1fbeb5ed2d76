package dev.xpfleet.agent.qa;

import dev.xpfleet.common.sandbox.Reachability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Where the QA tests keep workspaces and find the analysers. The sandbox user must be able to reach
 * them; a checkout under a directory closed to others (CI clones into {@code mktemp -d}, mode 700)
 * cannot be, so there they move to {@code /var/tmp/xpfleet-qa-tests/<checkout hash>} and the
 * analysers' jars are copied along. One mechanism for every QA test.
 */
public final class QaTestDirs {

    private static final Path MODULE = (Files.isDirectory(Path.of("agents/qa-agent"))
                    ? Path.of("agents/qa-agent")
                    : Path.of("."))
            .toAbsolutePath()
            .normalize();
    private static final Path BUILT_TOOLS = MODULE.resolve("tools/target/qa-tools");
    private static final Path BASE = base();

    private QaTestDirs() {}

    /** A directory for one test class's workspaces, repositories and caches. */
    public static Path work(String name) {
        return BASE.resolve(name);
    }

    /** The analysers' jars, where the sandbox can read them. */
    public static synchronized Path tools() {
        if (BASE.startsWith(MODULE)) {
            return BUILT_TOOLS;
        }
        Path copy = BASE.resolve("qa-tools");
        try (Stream<Path> files = Files.walk(BUILT_TOOLS)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(BUILT_TOOLS.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target) || Files.size(target) != Files.size(file)) {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path base() {
        Path target = MODULE.resolve("target");
        try {
            Files.createDirectories(target);
            if (Reachability.problem(target) == null) {
                return target;
            }
            String hash = HexFormat.of().toHexDigits(MODULE.toString().hashCode());
            Path shared = Path.of("/var/tmp/xpfleet-qa-tests");
            Files.createDirectories(shared);
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path mine = Files.createDirectories(shared.resolve(hash));
            Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxr-xr-x"));
            return mine;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
