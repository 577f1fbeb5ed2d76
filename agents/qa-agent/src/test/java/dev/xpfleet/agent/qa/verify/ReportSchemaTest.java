package dev.xpfleet.agent.qa.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.stream.EnvelopeCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The documented schema is not a rubber stamp: it refuses what a report never holds. */
class ReportSchemaTest {

    static ObjectNode report() {
        QaReport report = new QaReport(
                1,
                "FAILED",
                List.of("not test-driven: the change adds or changes no test"),
                "demo/calc",
                "abc123",
                "h",
                "MAVEN",
                Map.of("changed", new QaReport.Run("COMPLETED", 0, 10, 1024, 1, "passed")),
                new QaReport.Tests(1, 1, 0, 0),
                List.of(),
                null,
                null,
                List.of(),
                List.of());
        return EnvelopeCodec.mapper().valueToTree(report);
    }

    @Test
    void aReportConformsAndBrokenOnesDoNot() {
        assertThat(ReportSchema.errors(report())).isEmpty();

        assertThat(ReportSchema.errors(report().put("verdict", "MAYBE"))).isNotEmpty();
        assertThat(ReportSchema.errors(report().put("surprise", true))).isNotEmpty();
        ObjectNode badRun = report();
        ((ObjectNode) badRun.path("runs").path("changed")).put("outcome", "CRASHED");
        assertThat(ReportSchema.errors(badRun)).isNotEmpty();
    }
}
