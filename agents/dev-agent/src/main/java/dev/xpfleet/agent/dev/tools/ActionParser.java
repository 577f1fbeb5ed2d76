package dev.xpfleet.agent.dev.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a model's answer as exactly one action: search/replace edit blocks (Aider's format: a path
 * line, {@code <<<<<<< SEARCH}, old text, {@code =======}, new text, {@code >>>>>>> REPLACE}), or one
 * JSON tool call in a {@code ```json} fence. Anything else, or both at once, is malformed: the
 * model is told why and asked again, nothing is guessed.
 */
public final class ActionParser {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern JSON_FENCE = Pattern.compile("```json\\s*\\n(.*?)\\n\\s*```", Pattern.DOTALL);
    private static final String SEARCH = "<<<<<<< SEARCH";
    private static final String DIVIDER = "=======";
    private static final String REPLACE = ">>>>>>> REPLACE";

    private ActionParser() {}

    public static Action parse(String answer) {
        if (answer == null || answer.isBlank()) {
            return new Action.Malformed("the answer was empty");
        }
        String text = answer.replace("\r\n", "\n");
        if (text.contains(SEARCH)) {
            return edits(text);
        }
        Matcher fence = JSON_FENCE.matcher(text);
        boolean hasCall = fence.find();
        if (!hasCall) {
            return new Action.Malformed(
                    "no action found: answer with SEARCH/REPLACE edit blocks or one ```json {\"tool\": ...} fence");
        }
        String body = fence.group(1);
        if (fence.find()) {
            return new Action.Malformed("one tool call per answer; this one has several ```json fences");
        }
        try {
            JsonNode call = JSON.readTree(body);
            String tool = call.path("tool").asString("");
            if (!call.isObject() || tool.isBlank()) {
                return new Action.Malformed("the ```json fence must hold an object with a \"tool\" name");
            }
            return new Action.Call(tool, call);
        } catch (JacksonException e) {
            return new Action.Malformed("the ```json fence is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Action edits(String text) {
        List<Action.Edit> edits = new ArrayList<>();
        StringBuilder outside = new StringBuilder();
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            if (!lines[i].strip().equals(SEARCH)) {
                outside.append(lines[i]).append('\n');
                i++;
                continue;
            }
            String path = pathBefore(lines, i);
            if (path == null) {
                return new Action.Malformed(
                        "edit block at line " + (i + 1) + " has no file path on the line before it");
            }
            int divider = indexOf(lines, DIVIDER, i + 1);
            int end = divider < 0 ? -1 : indexOf(lines, REPLACE, divider + 1);
            if (divider < 0 || end < 0) {
                return new Action.Malformed(
                        "edit block for " + path + " is not closed with ======= and >>>>>>> REPLACE");
            }
            int nested = indexOf(lines, SEARCH, i + 1);
            if (nested >= 0 && nested < end) {
                return new Action.Malformed("edit block for " + path + " holds another SEARCH marker before its end");
            }
            edits.add(new Action.Edit(path, join(lines, i + 1, divider), join(lines, divider + 1, end)));
            i = end + 1;
        }
        if (edits.isEmpty()) {
            return new Action.Malformed(
                    "the <<<<<<< SEARCH, ======= and >>>>>>> REPLACE markers must stand on lines" + " of their own");
        }
        if (JSON_FENCE.matcher(outside).find()) {
            return new Action.Malformed("one action per answer: either edit blocks or one ```json tool call, not both");
        }
        return new Action.Edits(List.copyOf(edits));
    }

    private static String pathBefore(String[] lines, int at) {
        for (int j = at - 1; j >= 0; j--) {
            String candidate = lines[j].strip();
            if (candidate.isEmpty() || candidate.startsWith("```")) {
                continue;
            }
            candidate = candidate.replaceAll("^[`*]+|[`*:]+$", "");
            return candidate.isEmpty() || candidate.contains(" ") ? null : candidate;
        }
        return null;
    }

    private static int indexOf(String[] lines, String marker, int from) {
        for (int j = from; j < lines.length; j++) {
            if (lines[j].strip().equals(marker)) {
                return j;
            }
        }
        return -1;
    }

    private static String join(String[] lines, int from, int to) {
        return from >= to ? "" : String.join("\n", java.util.Arrays.copyOfRange(lines, from, to)) + "\n";
    }
}
