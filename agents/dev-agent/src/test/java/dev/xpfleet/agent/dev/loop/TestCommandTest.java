package dev.xpfleet.agent.dev.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCommandTest {

    @TempDir
    Path base;

    @Test
    void pytestAndNodeRunWithAJUnitReportAndFleetYmlWinsWithoutOne() throws Exception {
        Files.createDirectories(base.resolve("tests"));
        Files.writeString(base.resolve("tests/test_a.py"), "");
        assertThat(TestCommand.detect(base).argv()).contains("pytest", "--junitxml=.fleet-dev/junit.xml");
        assertThat(TestCommand.detect(base).report()).isEqualTo(".fleet-dev/junit.xml");

        Files.writeString(base.resolve(".fleet.yml"), "test: make check\n");
        assertThat(TestCommand.detect(base))
                .isEqualTo(new TestCommand(java.util.List.of("bash", "-c", "make check"), null));
    }

    @Test
    void nodeTestScriptsRunWithNodeItself() throws Exception {
        Files.writeString(base.resolve("package.json"), "{\"scripts\": {\"test\": \"node --test\"}}");

        assertThat(TestCommand.detect(base).argv()).startsWith("node", "--test").contains("--test-reporter=junit");
    }

    @Test
    void whatCannotRunHereIsSaidPlainly() throws Exception {
        assertThatThrownBy(() -> TestCommand.detect(base)).hasMessageContaining("no tests to run");
        Files.writeString(base.resolve("pom.xml"), "<project/>");
        assertThatThrownBy(() -> TestCommand.detect(base)).hasMessageContaining("offline dependency cache");
        Files.writeString(base.resolve(".fleet.yml"), "test: [\n");
        assertThatThrownBy(() -> TestCommand.detect(base)).hasMessageContaining("not valid YAML");
        Files.writeString(base.resolve(".fleet.yml"), "test: 42\n");
        assertThatThrownBy(() -> TestCommand.detect(base)).hasMessageContaining("must be a command");
    }

    @Test
    void guardedPathsAreAllowedOnlyByTheBaseTreesFleetYml() throws Exception {
        assertThat(TestCommand.allowedPaths(base)).isEmpty();
        Files.writeString(base.resolve(".fleet.yml"), "dev:\n  allow-paths: [pom.xml, .github/workflows/]\n");
        assertThat(TestCommand.allowedPaths(base)).containsExactly("pom.xml", ".github/workflows/");
        Files.writeString(base.resolve(".fleet.yml"), "dev:\n  allow-paths: yes\n");
        assertThatThrownBy(() -> TestCommand.allowedPaths(base)).hasMessageContaining("list of paths");
    }
}
