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

    /** A Maven build of the sample's Java (no dependencies; plugins pinned as the QA tests pin them). */
    static final String POM = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>calc</groupId>
              <artifactId>calc</artifactId>
              <version>1.0</version>
              <properties>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <build>
                <plugins>
                  <plugin>
                    <artifactId>maven-compiler-plugin</artifactId>
                    <version>3.13.0</version>
                    <configuration><release>17</release></configuration>
                  </plugin>
                  <plugin>
                    <artifactId>maven-resources-plugin</artifactId>
                    <version>3.3.1</version>
                  </plugin>
                  <plugin>
                    <artifactId>maven-surefire-plugin</artifactId>
                    <version>3.5.3</version>
                  </plugin>
                </plugins>
              </build>
            </project>
            """;

    private ReviewSample() {}

    /** The samples' dependency cache, kept between tests (filled once per machine and build files). */
    static Path cache() throws IOException {
        return Files.createDirectories(root().getParent().resolve(root().getFileName() + "-cache"));
    }

    /** Where base copies for the dependency prefetch go. */
    static Path scratch() throws IOException {
        return Files.createDirectories(root().resolve("scratch"));
    }

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
