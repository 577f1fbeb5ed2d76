package dev.xpfleet.common.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildDetectorTest {

    private final BuildDetector detector = new BuildDetector();

    @TempDir
    Path ws;

    @Test
    void mavenWithItsWrapperPrefetchesThenRunsOffline() throws Exception {
        Files.writeString(ws.resolve("pom.xml"), "<project/>");
        Files.writeString(ws.resolve("mvnw"), "#!/bin/sh");

        BuildPlan plan = detector.detect(ws);

        assertThat(plan.tool()).isEqualTo(BuildPlan.Tool.MAVEN);
        assertThat(plan.prefetch()).startsWith("./mvnw").contains("-Dsurefire.failIfNoSpecifiedTests=false");
        assertThat(plan.test()).startsWith("./mvnw").contains("-o");
        assertThat(plan.reports()).containsExactly("**/target/surefire-reports/TEST-*.xml");
        assertThat(plan.changedLinesCoverage()).isEqualTo(0.8);
    }

    @Test
    void gradleNpmAndPytestAreRecognised() throws Exception {
        Path gradle = Files.createDirectory(ws.resolve("g"));
        Files.writeString(gradle.resolve("gradlew"), "#!/bin/sh");
        Path npm = Files.createDirectory(ws.resolve("n"));
        Files.writeString(npm.resolve("package.json"), "{\"scripts\":{\"test\":\"node --test\"}}");
        Path py = Files.createDirectories(ws.resolve("p/tests"));
        Files.writeString(py.resolve("test_cart.py"), "def test_total(): assert True");

        assertThat(detector.detect(gradle).tool()).isEqualTo(BuildPlan.Tool.GRADLE);
        assertThat(detector.detect(npm).tool()).isEqualTo(BuildPlan.Tool.NPM);
        assertThat(detector.detect(ws.resolve("p")).test()).contains("pytest", "--junitxml=.fleet/reports/pytest.xml");
    }

    @Test
    void fleetYmlOverridesCommandsAndTheThreshold() throws Exception {
        Files.writeString(ws.resolve("pom.xml"), "<project/>");
        Files.writeString(ws.resolve(".fleet.yml"), """
                test: mvn -B -o test -Pfast
                lint: [mvn, -B, -o, checkstyle:check]
                changed-lines-coverage: 90
                """);

        BuildPlan plan = detector.detect(ws);

        assertThat(plan.tool()).isEqualTo(BuildPlan.Tool.MAVEN);
        assertThat(plan.test()).containsExactly("mvn", "-B", "-o", "test", "-Pfast");
        assertThat(plan.lint()).containsExactly("mvn", "-B", "-o", "checkstyle:check");
        assertThat(plan.changedLinesCoverage()).isEqualTo(0.9);
    }

    @Test
    void aRepositoryWithOnlyAFleetYmlTestCommandIsCustom() throws Exception {
        Files.writeString(ws.resolve(".fleet.yml"), "test: make check\nreports: [out/*.xml]\n");

        BuildPlan plan = detector.detect(ws);

        assertThat(plan.tool()).isEqualTo(BuildPlan.Tool.CUSTOM);
        assertThat(plan.test()).containsExactly("make", "check");
    }

    @Test
    void hostileOrBrokenSettingsAreRefusedWithTheReason() throws Exception {
        Files.writeString(ws.resolve("pom.xml"), "<project/>");
        Files.writeString(
                ws.resolve(".fleet.yml"),
                "test: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]");
        assertThatThrownBy(() -> detector.detect(ws)).hasMessageContaining("not valid YAML");

        Files.writeString(ws.resolve(".fleet.yml"), "test: {a: b}");
        assertThatThrownBy(() -> detector.detect(ws)).hasMessageContaining("must be a command");

        Files.writeString(ws.resolve(".fleet.yml"), "changed-lines-coverage: lots");
        assertThatThrownBy(() -> detector.detect(ws)).hasMessageContaining("must be a number");

        Path empty = Files.createDirectory(ws.resolve("empty"));
        assertThatThrownBy(() -> detector.detect(empty)).hasMessageContaining("no build found");
    }
}
