package dev.xpfleet.agent.review.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DonePolicyTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        DonePolicy policy = DonePolicy.defaults();
        assertThat(policy.minFailToPass()).isEqualTo(1);
        assertThat(policy.allowNewFindings()).isFalse();
        assertThat(policy.changedLinesCoverage()).isEqualTo(0.8);
        assertThat(policy.maxCoverageDrop()).isEqualTo(2.0);
        assertThat(policy.maxFiles()).isEqualTo(25);
        assertThat(policy.maxLines()).isEqualTo(1000);
        assertThat(policy.blockingSeverities()).isEqualTo(Set.of("blocker", "major"));
        assertThat(policy.modelReview()).isTrue();
        Globs human = new Globs(policy.humanPaths());
        assertThat(List.of(
                        ".github/workflows/ci.yml",
                        "pom.xml",
                        "core/pom.xml",
                        "src/main/resources/db/migration/V2__x.sql"))
                .allMatch(human::matches);
        assertThat(human.matches("src/main/java/App.java")).isFalse();
    }

    @Test
    void theRepositorySetsItsOwnBarAndQasThresholdIsTheDefault() {
        DonePolicy policy = DonePolicy.from(Map.of(
                "changed-lines-coverage", 90,
                "review",
                        Map.of(
                                "max-lines",
                                50,
                                "human-paths",
                                List.of("infra/"),
                                "blocking-severities",
                                List.of("blocker")),
                "dev", Map.of("untested-paths", List.of("docs/**"))));
        assertThat(policy.changedLinesCoverage()).isEqualTo(0.9);
        assertThat(policy.maxLines()).isEqualTo(50);
        assertThat(new Globs(policy.humanPaths()).matches("infra/main.tf")).isTrue();
        assertThat(new Globs(policy.humanPaths()).matches("pom.xml")).isFalse();
        assertThat(policy.blockingSeverities()).containsExactly("blocker");
        assertThat(policy.untestedPaths()).containsExactly("docs/**");
    }

    @Test
    void aWrongValueNamesItsKey() {
        assertThatThrownBy(() -> DonePolicy.from(Map.of("review", Map.of("max-lines", "many"))))
                .hasMessage(".fleet.yml review.max-lines must be a whole number of at least 1");
        assertThatThrownBy(() -> DonePolicy.from(Map.of("review", Map.of("blocking-severities", List.of("fatal")))))
                .hasMessageContaining("'fatal' is none of");
        assertThatThrownBy(() -> DonePolicy.from(Map.of("review", "strict")))
                .hasMessage(".fleet.yml review must be a mapping");
    }
}
