package dev.xpfleet.common.testreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestReportsTest {

    private final TestReports reports = new TestReports();

    @TempDir
    Path ws;

    @Test
    void surefireAndPytestReportsBecomeOneResultPerTest() throws Exception {
        Path surefire = Files.createDirectories(ws.resolve("target/surefire-reports"));
        Files.writeString(surefire.resolve("TEST-shop.CartTest.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="shop.CartTest" tests="3" failures="1" errors="0" skipped="1">
                  <testcase name="totalAddsPrices" classname="shop.CartTest" time="0.01"/>
                  <testcase name="emptyCartIsZero" classname="shop.CartTest" time="0.01">
                    <failure message="expected: &lt;0&gt; but was: &lt;1&gt;" type="org.opentest4j.AssertionFailedError">stack</failure>
                  </testcase>
                  <testcase name="later" classname="shop.CartTest"><skipped/></testcase>
                </testsuite>
                """);
        Path pytest = Files.createDirectories(ws.resolve(".fleet/reports"));
        Files.writeString(pytest.resolve("pytest.xml"), """
                <?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1">
                <testcase classname="tests.test_cart" name="test_total" time="0.001">
                <error message="ImportError: no module cart">trace</error></testcase></testsuite></testsuites>
                """);

        List<TestReports.TestCase> cases =
                reports.read(ws, List.of("**/target/surefire-reports/TEST-*.xml", ".fleet/reports/pytest.xml"));

        assertThat(cases)
                .containsExactly(
                        new TestReports.TestCase("shop.CartTest#totalAddsPrices", TestReports.Outcome.PASSED, ""),
                        new TestReports.TestCase(
                                "shop.CartTest#emptyCartIsZero",
                                TestReports.Outcome.FAILED,
                                "expected: <0> but was: <1>"),
                        new TestReports.TestCase("shop.CartTest#later", TestReports.Outcome.SKIPPED, ""),
                        new TestReports.TestCase(
                                "tests.test_cart#test_total",
                                TestReports.Outcome.ERROR,
                                "ImportError: no module cart"));
    }

    @Test
    void aReportWithAnEntityTrickIsRefusedNotExpanded() throws Exception {
        Path report = ws.resolve("evil.xml");
        Files.writeString(report, """
                <?xml version="1.0"?>
                <!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <testsuite><testcase classname="a" name="&x;"/></testsuite>
                """);

        assertThatThrownBy(() -> reports.read(ws, List.of("evil.xml")))
                .hasMessageContaining("is not readable XML")
                .hasMessageNotContaining("root:");
    }
}
