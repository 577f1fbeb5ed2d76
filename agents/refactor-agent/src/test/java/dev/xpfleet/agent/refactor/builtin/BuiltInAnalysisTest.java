package dev.xpfleet.agent.refactor.builtin;

import static dev.xpfleet.agent.refactor.testing.SampleForge.branchy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.agent.refactor.rank.Group;
import dev.xpfleet.agent.refactor.rank.Hotspot;
import dev.xpfleet.agent.refactor.rank.Ranking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in analysis on a small repository with known hotspots. */
class BuiltInAnalysisTest {

    @TempDir
    Path repo;

    static final String COPIED = """
                int total = 0;
                total += a * 2;
                total -= b / 3;
                total ^= c << 1;
                total |= a & b;
                total += c % 7;
                total -= a + b + c;
                total *= 11;
                total /= 5;
                total += 13;
                return total;
            """;

    void write(String path, String text) throws Exception {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void findsComplexityCopiesAndChurnButNotTestsOrExcludedPaths() throws Exception {
        try (Git git =
                Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            write(
                    "src/main/java/demo/Pricing.java",
                    "package demo;\nclass Pricing {\n" + branchy("price", 14) + branchy("simple", 2)
                            + "    int mix(int a, int b, int c) {\n" + COPIED + "    }\n}\n");
            write(
                    "src/main/java/demo/Copy.java",
                    "package demo;\nclass Copy {\n    int again(int a, int b, int c) {\n" + COPIED + "    }\n}\n");
            write(
                    "src/test/java/demo/PricingTest.java",
                    "package demo;\nclass PricingTest {\n" + branchy("t", 20) + "}\n");
            write("generated/Big.java", "package gen;\nclass Big {\n" + branchy("g", 30) + "}\n");
            git.add().addFilepattern(".").call();
            commit(git, "first");
            write(
                    "src/main/java/demo/Pricing.java",
                    Files.readString(repo.resolve("src/main/java/demo/Pricing.java")) + "// touched\n");
            git.add().addFilepattern(".").call();
            commit(git, "second");

            BuiltInAnalysis.Result result = new BuiltInAnalysis().analyse(repo, git, List.of("generated/**"));

            assertThat(result.hotspots())
                    .extracting(Hotspot::file)
                    .doesNotContain("src/test/java/demo/PricingTest.java", "generated/Big.java");
            Hotspot complex = result.hotspots().stream()
                    .filter(h -> h.rule().equals("builtin:method-complexity"))
                    .findFirst()
                    .orElseThrow();
            assertThat(complex.file()).isEqualTo("src/main/java/demo/Pricing.java");
            assertThat(complex.message()).contains("price is 15");
            assertThat(complex.line()).isEqualTo(3);
            assertThat(complex.debtMinutes()).isEqualTo(15);
            assertThat(result.hotspots())
                    .filteredOn(h -> h.rule().equals("builtin:duplication"))
                    .singleElement()
                    .satisfies(h -> assertThat(h.message()).contains("src/main/java/demo/"));
            assertThat(result.churn())
                    .containsEntry("src/main/java/demo/Pricing.java", 2)
                    .containsEntry("src/main/java/demo/Copy.java", 1);
            assertThat(result.measures().get("complexity")).isGreaterThan(15);
            assertThat(result.measures().get("files")).isEqualTo(2);

            List<Group> groups = Ranking.rank(result.hotspots(), result.churn(), result.firstSeen(), Instant.now());
            assertThat(groups.get(0).file()).isEqualTo("src/main/java/demo/Pricing.java");
            assertThat(groups.get(0).family()).isEqualTo("complexity");
            assertThat(groups.get(0).churn()).isEqualTo(2);
        }
    }

    @Test
    void aFileThatDoesNotParseIsSkippedWithTheReason() throws Exception {
        try (Git git =
                Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            write("src/main/java/Broken.java", "class Broken { void x( { }\n");
            git.add().addFilepattern(".").call();
            commit(git, "broken");

            BuiltInAnalysis.Result result = new BuiltInAnalysis().analyse(repo, git, List.of());

            assertThat(result.hotspots()).isEmpty();
            assertThat(result.skipped()).singleElement().asString().startsWith("src/main/java/Broken.java: ");
        }
    }

    static void commit(Git git, String message) throws Exception {
        git.commit()
                .setMessage(message)
                .setAuthor("t", "t@example.com")
                .setCommitter("t", "t@example.com")
                .setSign(false)
                .call();
    }
}
