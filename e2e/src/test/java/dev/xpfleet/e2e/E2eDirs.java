package dev.xpfleet.e2e;

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
 * Directories the sandbox user must reach (agents' workspaces, QA's analysers): under the module's
 * {@code target/} when others may enter it, else under {@code /var/tmp/xpfleet-e2e/<checkout hash>}
 * (CI clones into a directory closed to others).
 */
final class E2eDirs {

    static final Path ROOT = (Files.isDirectory(Path.of("e2e")) ? Path.of(".") : Path.of(".."))
            .toAbsolutePath()
            .normalize();

    private E2eDirs() {}

    static Path work(String name) {
        try {
            Path target = Files.createDirectories(ROOT.resolve("e2e/target"));
            Path base = target;
            if (Reachability.problem(target) != null) {
                Path shared = Files.createDirectories(Path.of("/var/tmp/xpfleet-e2e"));
                Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
                base = Files.createDirectories(shared.resolve(
                        HexFormat.of().toHexDigits(ROOT.toString().hashCode())));
                Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return Files.createDirectories(base.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The QA agent's analysers, copied where the sandbox can read them. */
    static Path qaTools() throws IOException {
        Path built = ROOT.resolve("agents/qa-agent/tools/target/qa-tools");
        if (!Files.isDirectory(built)) {
            throw new IllegalStateException("no " + built + ": build the qa-tools module first (./mvnw package)");
        }
        Path copy = work("qa-tools");
        try (Stream<Path> files = Files.walk(built)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(built.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target) || Files.size(target) != Files.size(file)) {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return copy;
    }

    /** A service's packaged jar, built by the reactor before this module. */
    static Path jar(String module, String artifactId) throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve(module).resolve("target"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(artifactId + "-"))
                    .filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(p -> !p.getFileName().toString().contains("-tests"))
                    .filter(p -> !p.getFileName().toString().endsWith(".original"))
                    .findFirst()
                    .orElseThrow(
                            () -> new IllegalStateException("no packaged jar of " + module + "; run ./mvnw package"));
        }
    }
}
