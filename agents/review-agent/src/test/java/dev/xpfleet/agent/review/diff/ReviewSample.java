package dev.xpfleet.agent.review.diff;

import dev.xpfleet.common.sandbox.Reachability;
import dev.xpfleet.common.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.api.Git;

/**
 * A small repository (Python and Java) committed as the base, and a workspace on it where a test
 * writes the change: the reviewer sees the base's {@code .fleet.yml} and the changed tree, as in the
 * agent. Kept where the sandbox user can read it (Python suggestions are parsed in the sandbox).
 */
final class ReviewSample {

    static final String CALC_PY = """
            def add(a, b):
                return a + b
            """;
    static final String CALC_JAVA = """
            package calc;

            public class Calc {
                public static int add(int a, int b) {
                    return a + b;
                }
            }
            """;
    static final String TEST_PY = """
            from calc import add


            def test_add():
                assert add(1, 2) == 3
            """;

    private ReviewSample() {}

    /** A workspace on a fresh base commit holding {@code files} (and the sample's own). */
    static Workspace base(Map<String, String> extra) throws Exception {
        Path dir = Files.createDirectories(root().resolve(UUID.randomUUID().toString()));
        write(dir, "calc.py", CALC_PY);
        write(dir, "src/main/java/calc/Calc.java", CALC_JAVA);
        write(dir, "tests/test_calc.py", TEST_PY);
        for (Map.Entry<String, String> e : extra.entrySet()) {
            write(dir, e.getKey(), e.getValue());
        }
        String head;
        try (Git git =
                Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            head = git.commit()
                    .setMessage("base")
                    .setAuthor("t", "t@localhost")
                    .setCommitter("t", "t@localhost")
                    .setSign(false)
                    .call()
                    .getName();
        }
        return Workspace.open(dir, head);
    }

    static void write(Path dir, String path, String text) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static Path root() {
        try {
            Path module = (Files.isDirectory(Path.of("agents/review-agent"))
                            ? Path.of("agents/review-agent")
                            : Path.of("."))
                    .toAbsolutePath()
                    .normalize();
            Path target = Files.createDirectories(module.resolve("target/review-samples"));
            if (Reachability.problem(target) == null) {
                return target;
            }
            Path shared = Files.createDirectories(Path.of("/var/tmp/xpfleet-review-tests"));
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path mine = Files.createDirectories(
                    shared.resolve(HexFormat.of().toHexDigits(module.toString().hashCode())));
            Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxr-xr-x"));
            return mine;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
