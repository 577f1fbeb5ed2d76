package dev.xpfleet.agent.dev.implement;

import dev.xpfleet.agent.dev.tools.PathRules;
import dev.xpfleet.agent.dev.tools.RefusedException;
import dev.xpfleet.common.stream.EnvelopeCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A pair navigator's suggested changes: each open review finding that carries a replacement for
 * its line is applied to the driver's worktree before the driver's turn, or refused with the
 * reason, never dropped. The finding and its replacement are the reviewer's model's output, so
 * untrusted: the path goes through the developer's own {@link PathRules} (no guarded file, no link,
 * nothing outside the worktree), a test is never changed this way (tests are the driver's, test
 * first), a replacement is one line, and a line is replaced only where it still reads what the
 * reviewer saw.
 */
final class Suggestions {

    private static final int MAX_REPLACEMENT_CHARS = 2_000;

    private Suggestions() {}

    /**
     * Applies the suggestions of {@code feedback} (a review's output) in the worktree {@code rules}
     * guards.
     *
     * @return one entry per suggestion: {@code file}, {@code line}, {@code applied} and, when
     *     refused, {@code reason}
     */
    static ArrayNode apply(JsonNode feedback, PathRules rules) {
        ArrayNode outcomes = EnvelopeCodec.mapper().createArrayNode();
        for (JsonNode finding : feedback.path("findings")) {
            String suggestion = finding.path("suggestion").asString("");
            String status = finding.path("status").asString("NEW");
            if (suggestion.isEmpty() || !(status.equals("NEW") || status.equals("UNRESOLVED"))) {
                continue;
            }
            ObjectNode outcome = outcomes.addObject();
            String file = finding.path("file").asString("");
            int line = finding.path("line").asInt(0);
            outcome.put("file", file);
            outcome.put("line", line);
            try {
                if (dev.xpfleet.common.change.TestPaths.isTest(file)) {
                    throw new RefusedException("it changes a test; the tests are the driver's to write");
                }
                replace(rules.writable(file), line, finding.path("code").asString(""), suggestion);
                outcome.put("applied", true);
            } catch (RefusedException e) {
                outcome.put("applied", false);
                outcome.put("reason", e.getMessage());
            } catch (IOException e) {
                outcome.put("applied", false);
                outcome.put("reason", "cannot change " + file + ": " + e.getMessage());
            }
        }
        return outcomes;
    }

    /** What the driver is told about them, for its feedback; empty when there were none. */
    static String describe(ArrayNode outcomes) {
        if (outcomes.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("The navigator's suggested changes, before your turn:\n");
        for (JsonNode outcome : outcomes) {
            text.append("- ")
                    .append(outcome.path("file").asString())
                    .append(':')
                    .append(outcome.path("line").asInt())
                    .append(
                            outcome.path("applied").asBoolean()
                                    ? ": applied as suggested (already in the files)"
                                    : ": not applied, " + outcome.path("reason").asString())
                    .append('\n');
        }
        return text.toString();
    }

    private static void replace(Path file, int line, String expected, String replacement)
            throws IOException, RefusedException {
        if (replacement.length() > MAX_REPLACEMENT_CHARS) {
            throw new RefusedException("the replacement is longer than " + MAX_REPLACEMENT_CHARS + " characters");
        }
        String oneLine = replacement.endsWith("\n") ? replacement.substring(0, replacement.length() - 1) : replacement;
        if (oneLine.contains("\n") || oneLine.contains("\r")) {
            throw new RefusedException("the replacement is more than one line");
        }
        if (expected.isBlank()) {
            throw new RefusedException("the finding does not say what the line read");
        }
        if (!Files.isRegularFile(file)) {
            throw new RefusedException("the file does not exist in the driver's worktree");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (line < 1 || line > lines.size() - (text.endsWith("\n") ? 1 : 0)) {
            throw new RefusedException("line " + line + " is not in the file");
        }
        String current = lines.get(line - 1);
        if (!current.strip().equals(expected.strip())) {
            throw new RefusedException(
                    "line " + line + " no longer reads what the navigator saw ('" + shortened(expected) + "')");
        }
        lines.set(
                line - 1,
                replacement.endsWith("\n") ? replacement.substring(0, replacement.length() - 1) : replacement);
        Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);
    }

    private static String shortened(String text) {
        String line = text.strip();
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }
}
