package dev.xpfleet.agent.qa.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.xpfleet.common.stream.EnvelopeCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/** docs/qa-report.schema.json, against which every report the tests see is checked. */
final class ReportSchema {

    private static final Schema SCHEMA = load();

    private ReportSchema() {}

    /** The report as stored, after checking it against the documented schema. */
    static QaReport checked(QaReport report) {
        JsonNode json = EnvelopeCodec.mapper().valueToTree(report);
        assertThat(SCHEMA.validate(json))
                .as("report matches docs/qa-report.schema.json: %s", json)
                .isEmpty();
        return report;
    }

    /** What the schema finds wrong with a JSON document (empty when it conforms). */
    static java.util.List<com.networknt.schema.Error> errors(JsonNode json) {
        return SCHEMA.validate(json);
    }

    private static Schema load() {
        Path file = Path.of("../../docs/qa-report.schema.json");
        try (InputStream in = Files.newInputStream(Files.exists(file) ? file : Path.of("docs/qa-report.schema.json"))) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
