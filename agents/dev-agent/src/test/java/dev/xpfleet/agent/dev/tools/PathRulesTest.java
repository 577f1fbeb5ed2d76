package dev.xpfleet.agent.dev.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathRulesTest {

    @TempDir
    Path root;

    @Test
    void ordinaryFilesInsideAreWritable() throws Exception {
        PathRules rules = new PathRules(root, List.of());

        assertThat(rules.writable("src/a.py")).isEqualTo(root.toAbsolutePath().resolve("src/a.py"));
        assertThat(rules.relative(rules.writable("./docs/README.md"))).isEqualTo("docs/README.md");
    }

    @Test
    void gitMetadataOutsidePathsWorkflowsAndWrappersAreRefused() {
        PathRules rules = new PathRules(root, List.of());

        assertRefused(rules, ".git/config", "git metadata");
        assertRefused(rules, "sub/.GIT/hooks/pre-commit", "git metadata");
        assertRefused(rules, "../outside.txt", "climbs out");
        assertRefused(rules, "/etc/passwd", "relative path");
        assertRefused(rules, "~/.bashrc", "relative path");
        assertRefused(rules, ".github/workflows/ci.yml", "workflow");
        assertRefused(rules, ".GitHub/Workflows/ci.yml", "workflow");
        assertRefused(rules, ".ci/run", "workflow");
        assertRefused(rules, ".fleet.yml", "fleet configuration");
        assertRefused(rules, "mvnw", "build wrapper");
        assertRefused(rules, "", "required");
    }

    @Test
    void aPathThroughASymbolicLinkIsRefused() throws Exception {
        Path outside = Files.createTempDirectory("outside");
        Files.createSymbolicLink(root.resolve("link"), outside);
        PathRules rules = new PathRules(root, List.of());

        assertRefused(rules, "link/file.txt", "symbolic link");
    }

    @Test
    void aRepositoryMayAllowAGuardedPath() throws Exception {
        PathRules rules = new PathRules(root, List.of(".github/workflows/"));

        assertThat(rules.writable(".github/workflows/ci.yml")).isNotNull();
    }

    private static void assertRefused(PathRules rules, String path, String reason) {
        assertThatThrownBy(() -> rules.writable(path))
                .as(path)
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining(reason);
    }
}
