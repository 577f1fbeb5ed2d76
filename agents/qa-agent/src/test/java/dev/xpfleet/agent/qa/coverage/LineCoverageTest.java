package dev.xpfleet.agent.qa.coverage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.change.ChangeSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineCoverageTest {

    @TempDir
    Path dir;

    static final String JACOCO = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
            <report name="calc">
              <package name="demo">
                <sourcefile name="Calc.java">
                  <line nr="3" mi="0" ci="3" mb="0" cb="0"/>
                  <line nr="4" mi="2" ci="0" mb="0" cb="0"/>
                </sourcefile>
              </package>
            </report>
            """;

    static final String DIFF = """
            diff --git a/src/main/java/demo/Calc.java b/src/main/java/demo/Calc.java
            new file mode 100644
            index 0000000..1111111
            --- /dev/null
            +++ b/src/main/java/demo/Calc.java
            @@ -0,0 +1,5 @@
            +package demo;
            +class Calc {
            +    int a() { return 1; }
            +    int b() { return 2; }
            +}
            """;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void jacocoWithItsDoctypeIsReadAndMatchedBySuffix() throws Exception {
        LineCoverage coverage = LineCoverage.read(write("jacoco.xml", JACOCO));

        assertThat(coverage.forFile("src/main/java/demo/Calc.java")).isEqualTo(Map.of(3, true, 4, false));
        assertThat(coverage.forFile("src/main/java/other/Calc.java")).isEmpty();
        assertThat(coverage.total()).isEqualTo(0.5);

        ChangedLinesCoverage changed = ChangedLinesCoverage.of(ChangeSet.parse(DIFF), coverage);
        assertThat(changed.executable()).isEqualTo(2);
        assertThat(changed.covered()).isEqualTo(1);
        assertThat(changed.missed()).isEqualTo(Map.of("src/main/java/demo/Calc.java", java.util.List.of(4)));
    }

    @Test
    void coveragePyAndLcovAreRead() throws Exception {
        LineCoverage py = LineCoverage.read(write("coverage.xml", """
                <?xml version="1.0" ?>
                <coverage version="7.2.7"><packages><package name="."><classes>
                  <class name="calc.py" filename="calc.py"><lines>
                    <line number="1" hits="1"/><line number="2" hits="0"/>
                  </lines></class>
                </classes></package></packages></coverage>
                """));
        LineCoverage lcov = LineCoverage.read(write("lcov.info", """
                TN:
                SF:/work/ws/lib/calc.js
                DA:1,4
                DA:2,0
                end_of_record
                """));

        assertThat(py.forFile("calc.py")).isEqualTo(Map.of(1, true, 2, false));
        assertThat(lcov.forFile("lib/calc.js")).isEqualTo(Map.of(1, true, 2, false));
    }

    @Test
    void entityTricksAndStrangersAreRefused() throws Exception {
        Path xxe = write("evil.xml", """
                <?xml version="1.0"?>
                <!DOCTYPE report [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <report><package name="&x;"/></report>
                """);
        assertThatThrownBy(() -> LineCoverage.read(xxe)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> LineCoverage.read(write("other.xml", "<html/>")))
                .hasMessageContaining("not a JaCoCo or coverage.py report");
    }
}
