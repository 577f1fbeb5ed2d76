package dev.xpfleet.agent.qa.findings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.change.ChangeSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyserReportsTest {

    @TempDir
    Path ws;

    static final ChangeSet CHANGE = ChangeSet.parse("""
            diff --git a/src/main/java/demo/Dao.java b/src/main/java/demo/Dao.java
            index 1111111..2222222 100644
            --- a/src/main/java/demo/Dao.java
            +++ b/src/main/java/demo/Dao.java
            @@ -4,3 +4,3 @@
                 ResultSet find(Connection c, String name) throws SQLException {
            -        return null;
            +        return c.createStatement().executeQuery("SELECT " + name);
                 }
            """);

    @Test
    void spotbugsSecurityBugsOnAddedLinesAreKeptOthersAreNot() throws Exception {
        Path report = Files.writeString(ws.resolve("spotbugs.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <BugCollection>
                  <BugInstance type="SQL_INJECTION_JDBC" category="SECURITY" priority="2">
                    <ShortMessage>Potential JDBC Injection</ShortMessage>
                    <Class classname="demo.Dao"><SourceLine classname="demo.Dao" start="1" end="9" sourcepath="demo/Dao.java"/></Class>
                    <SourceLine classname="demo.Dao" start="5" end="5" sourcepath="demo/Dao.java"/>
                  </BugInstance>
                  <BugInstance type="SQL_INJECTION_JDBC" category="SECURITY" priority="2">
                    <SourceLine classname="demo.Dao" start="9" end="9" sourcepath="demo/Dao.java"/>
                  </BugInstance>
                  <BugInstance type="OBL_UNSATISFIED_OBLIGATION" category="EXPERIMENTAL" priority="2">
                    <SourceLine classname="demo.Dao" start="5" end="5" sourcepath="demo/Dao.java"/>
                  </BugInstance>
                </BugCollection>
                """);

        List<Finding> findings = AnalyserReports.spotbugs(report, CHANGE);

        assertThat(findings)
                .containsExactly(new Finding(
                        "spotbugs",
                        "SQL_INJECTION_JDBC",
                        "src/main/java/demo/Dao.java",
                        5,
                        "Potential JDBC Injection"));
    }

    @Test
    void checkstyleErrorsAndPrintedLintOnAddedLines() throws Exception {
        Path report = Files.writeString(ws.resolve("checkstyle.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <checkstyle version="12.3.1">
                  <file name="%s/src/main/java/demo/Dao.java">
                    <error line="5" column="9" severity="error" message="Empty catch block."
                           source="com.puppycrawl.tools.checkstyle.checks.blocks.EmptyCatchBlockCheck"/>
                    <error line="1" column="1" severity="error" message="old" source="x.OldCheck"/>
                    <error line="5" column="1" severity="warning" message="a warning in the repository's own rules"
                           source="com.puppycrawl.tools.checkstyle.checks.coding.MagicNumberCheck"/>
                  </file>
                </checkstyle>
                """.formatted(ws));

        assertThat(AnalyserReports.checkstyle(report, ws, CHANGE))
                .containsExactly(new Finding(
                        "checkstyle", "EmptyCatchBlock", "src/main/java/demo/Dao.java", 5, "Empty catch block."));
        assertThat(AnalyserReports.printed(
                        "src/main/java/demo/Dao.java:5:12: error: no\n./src/main/java/demo/Dao.java:2: old\nnoise",
                        CHANGE))
                .extracting(Finding::line, Finding::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(5, "error: no"));
    }
}
