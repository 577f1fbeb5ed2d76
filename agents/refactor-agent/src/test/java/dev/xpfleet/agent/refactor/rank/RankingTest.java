package dev.xpfleet.agent.refactor.rank;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankingTest {

    static Hotspot at(String file, String family, String rule, int line, String severity, int debt) {
        return new Hotspot(rule, rule + " name", family, file, line, "msg " + line, severity, debt, null);
    }

    @Test
    void oneGroupPerFileAndFamilyRankedBySeverityDebtChurnAndAge() {
        Instant now = Instant.parse("2026-12-01T06:00:00Z");
        List<Hotspot> hotspots = List.of(
                at("A.java", "maintainability", "java:S1118", 9, "MAJOR", 5),
                at("A.java", "maintainability", "java:S1068", 2, "MAJOR", 5),
                at("A.java", "maintainability", "java:S1068", 4, "MAJOR", 5),
                at("A.java", "security", "java:S4790", 10, "CRITICAL", 30),
                at("B.java", "maintainability", "java:S112", 3, "MAJOR", 20));

        List<Group> groups =
                Ranking.rank(hotspots, Map.of("B.java", 12), Map.of("A.java", now.minus(400, ChronoUnit.DAYS)), now);

        assertThat(groups).hasSize(3);
        // Churn lifts B's one smell (changed in 12 commits) above A's critical finding, which in
        // turn outranks A's older, cheaper smells.
        assertThat(groups)
                .extracting(g -> g.file() + " " + g.family())
                .containsExactly("B.java maintainability", "A.java security", "A.java maintainability");
        Group a = groups.stream()
                .filter(g -> g.file().equals("A.java") && g.family().equals("maintainability"))
                .findFirst()
                .orElseThrow();
        assertThat(a.rule()).isEqualTo("java:S1068");
        assertThat(a.debtMinutes()).isEqualTo(15);
        assertThat(a.ageDays()).isEqualTo(400);
        assertThat(a.hotspots()).extracting(Hotspot::line).containsExactly(2, 4, 9);
        // Churn lifts B above A's older, cheaper smells.
        assertThat(groups.indexOf(groups.stream()
                        .filter(g -> g.file().equals("B.java"))
                        .findFirst()
                        .orElseThrow()))
                .isLessThan(groups.indexOf(a));
    }

    @Test
    void fingerprintsNameTheFileAndFamilyOnly() {
        Instant now = Instant.now();
        List<Hotspot> one = List.of(at("A.java", "complexity", "r1", 1, "MAJOR", 5));
        List<Hotspot> moved = List.of(at("A.java", "complexity", "r2", 40, "MINOR", 9));
        List<Hotspot> other = List.of(at("A.java", "size", "r1", 1, "MAJOR", 5));
        // SonarQube's and the built-in analysis's complexity of one file is one refactoring.
        assertThat(Ranking.rank(one, Map.of(), Map.of(), now).get(0).fingerprint())
                .isEqualTo(Ranking.rank(moved, Map.of(), Map.of(), now).get(0).fingerprint())
                .isNotEqualTo(
                        Ranking.rank(other, Map.of(), Map.of(), now).get(0).fingerprint())
                .matches("[0-9a-f]{24}");
    }
}
