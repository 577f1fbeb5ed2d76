package dev.xpfleet.orchestrator.forge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.testing.FleetServices;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The forge contract on the local forge: real git and PostgreSQL. */
@SpringBootTest
@FleetServices(database = true)
class LocalForgeIT extends ForgeContract {

    static final Path ROOT = temp("forge");

    @DynamicPropertySource
    static void forge(DynamicPropertyRegistry registry) {
        registry.add("fleet.forge.local-root", ROOT::toString);
    }

    @Autowired
    LocalForge forge;

    @Override
    protected Forge forge() {
        return forge;
    }

    @Override
    protected void createRepository(String name) {
        forge.createRepository(name);
    }

    @Override
    protected Forge.Issue openIssue(String repo, String title, String body, String author, List<String> labels) {
        return forge.openIssue(repo, title, body, author, labels);
    }

    @Override
    protected List<Forge.Review> reviews(String repo, int number) {
        return forge.reviews(repo, number);
    }

    @Override
    protected List<String> commentBodies(String repo, int number) {
        return forge.comments(repo, number).stream().map(c -> c[1]).toList();
    }

    @Override
    protected String cloneUri(String repo) {
        return ROOT.resolve(repo + ".git").toUri().toString();
    }

    @Test
    void localNamesAndUnknownThingsGetClearMessages() {
        assertThatThrownBy(() -> forge.createRepository("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> forge.repository("acme/missing")).hasMessageContaining("no repository acme/missing");
        assertThatThrownBy(() -> forge.issue(repo, 999)).hasMessageContaining("no issue #999");
        assertThatThrownBy(() -> forge.pushBranch(repo, "../x", work(), "0".repeat(40)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> forge.openPullRequest(repo, new Forge.NewPullRequest("nope", "main", "t", "", null)))
                .hasMessageContaining("has no branch nope");
    }

    private static Path work() {
        return temp("work").resolve(".git");
    }
}
