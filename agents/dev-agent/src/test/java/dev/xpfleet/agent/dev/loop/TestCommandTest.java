package dev.xpfleet.agent.dev.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.build.BuildPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCommandTest {

    @TempDir
    Path base;

    @TempDir
    Path cache;

    @Test
    void theSharedBuildDetectorDecidesWithTheCacheAndTheReports() throws Exception {
        Files.createDirectories(base.resolve("tests"));
        Files.writeString(base.resolve("tests/test_a.py"), "");
        TestCommand pytest = TestCommand.detect(base, cache);
        assertThat(pytest.tool()).isEqualTo(BuildPlan.Tool.PYTEST);
        assertThat(pytest.argv()).contains("pytest");
        assertThat(pytest.reports()).isNotEmpty();

        Files.writeString(base.resolve("pom.xml"), "<project/>");
        TestCommand maven = TestCommand.detect(base, cache);
        assertThat(maven.tool()).isEqualTo(BuildPlan.Tool.MAVEN);
        assertThat(maven.argv()).contains("-o", "-Dmaven.repo.local=" + cache.resolve("m2"));

        Files.writeString(base.resolve(".fleet.yml"), "test: make check\n");
        assertThat(TestCommand.detect(base, cache).argv()).containsExactly("make", "check");
    }

    @Test
    void whatCannotRunIsSaidPlainly() throws Exception {
        assertThatThrownBy(() -> TestCommand.detect(base, cache)).hasMessageContaining("no build found");
        Files.writeString(base.resolve(".fleet.yml"), "test: [\n");
        assertThatThrownBy(() -> TestCommand.detect(base, cache)).hasMessageContaining("not valid YAML");
    }

    @Test
    void guardedPathsAreAllowedOnlyByTheBaseTreesFleetYml() throws Exception {
        assertThat(TestCommand.allowedPaths(base)).isEmpty();
        Files.writeString(base.resolve(".fleet.yml"), "dev:\n  allow-paths: [pom.xml, .github/workflows/]\n");
        assertThat(TestCommand.allowedPaths(base)).containsExactly("pom.xml", ".github/workflows/");
        Files.writeString(base.resolve(".fleet.yml"), "dev:\n  allow-paths: yes\n");
        assertThatThrownBy(() -> TestCommand.allowedPaths(base)).hasMessageContaining("list of paths");
    }

    @Test
    void theRepositorysMaxItersIsReadAndCheckedFromTheBaseTree() throws Exception {
        assertThat(TestCommand.maxIters(base)).isNull();
        Files.writeString(base.resolve(".fleet.yml"), "max-iters: 5\n");
        assertThat(TestCommand.maxIters(base)).isEqualTo(5);
        Files.writeString(base.resolve(".fleet.yml"), "max-iters: 500\n");
        assertThatThrownBy(() -> TestCommand.maxIters(base))
                .hasMessage(".fleet.yml max-iters must be a whole number from 1 to 50");
    }

    @Test
    void theRepositorysPairNavigatorIsReadAndChecked() throws Exception {
        assertThat(TestCommand.pairNavigator(base)).isNull();
        Files.writeString(base.resolve(".fleet.yml"), "pair:\n  navigator: qa\n");
        assertThat(TestCommand.pairNavigator(base)).isEqualTo("qa");
        Files.writeString(base.resolve(".fleet.yml"), "pair:\n  navigator: everyone\n");
        assertThatThrownBy(() -> TestCommand.pairNavigator(base))
                .hasMessage(".fleet.yml pair.navigator must be both, qa or review, got 'everyone'");
    }
}
