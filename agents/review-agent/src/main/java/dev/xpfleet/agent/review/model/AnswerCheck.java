package dev.xpfleet.agent.review.model;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.xpfleet.common.change.ChangeSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model's answer read and checked: JSON (a fenced block is accepted), valid against {@code
 * review-answer.schema.json}, and every finding on a line the diff shows of a file it changes (where
 * a review can comment). The errors go back to the model word for word.
 */
final class AnswerCheck {

    static final String SCHEMA_RESOURCE = "/review-answer.schema.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Schema SCHEMA = load();
    private static final int MAX_ERRORS = 10;

    /** The answer's findings as the model wrote them. */
    record RawFinding(String file, int line, String severity, String category, String explanation, String suggestion) {}

    /** @param errors empty when the answer can be used */
    record Checked(String summary, List<RawFinding> findings, List<String> errors) {}

    private AnswerCheck() {}

    static Checked check(String text, ChangeSet change) {
        JsonNode answer;
        try {
            answer = JSON.readTree(json(text));
        } catch (JacksonException e) {
            return failed("the answer is not a JSON object: " + e.getOriginalMessage());
        }
        if (answer == null || !answer.isObject()) {
            return failed("the answer is not a JSON object");
        }
        List<String> errors = new ArrayList<>();
        SCHEMA.validate(answer).stream()
                .limit(MAX_ERRORS)
                .forEach(e -> errors.add(e.getInstanceLocation() + ": " + e.getMessage()));
        if (!errors.isEmpty()) {
            return new Checked(null, List.of(), List.copyOf(errors));
        }
        List<RawFinding> findings = new ArrayList<>();
        int index = 0;
        for (JsonNode f : answer.path("findings")) {
            RawFinding raw = new RawFinding(
                    f.path("file").asString(),
                    f.path("line").asInt(),
                    f.path("severity").asString(),
                    f.path("category").asString(),
                    f.path("explanation").asString(),
                    f.has("suggestion") ? f.path("suggestion").asString() : null);
            List<ChangeSet.LineRange> hunks = change.hunks(raw.file());
            if (hunks.isEmpty()) {
                errors.add(
                        "/findings/" + index + "/file: " + raw.file() + " is not a file the change adds or modifies");
            } else if (hunks.stream().noneMatch(h -> h.contains(raw.line()))) {
                errors.add("/findings/" + index + "/line: line " + raw.line() + " of " + raw.file()
                        + " is not in the diff; use a line number shown in its hunks");
            } else {
                findings.add(raw);
            }
            index++;
        }
        return errors.isEmpty()
                ? new Checked(answer.path("summary").asString(), List.copyOf(findings), List.of())
                : new Checked(null, List.of(), errors.stream().limit(MAX_ERRORS).toList());
    }

    /** The JSON object in the text: the whole text, or the inside of a fenced block. */
    static String json(String text) {
        String t = text == null ? "" : text.strip();
        if (t.startsWith("```")) {
            int open = t.indexOf('\n');
            int close = t.lastIndexOf("```");
            if (open > 0 && close > open) {
                return t.substring(open + 1, close).strip();
            }
        }
        return t;
    }

    private static Checked failed(String error) {
        return new Checked(null, List.of(), List.of(error));
    }

    private static Schema load() {
        try (InputStream in = AnswerCheck.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is not on the classpath");
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
