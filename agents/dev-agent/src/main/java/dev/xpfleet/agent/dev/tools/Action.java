package dev.xpfleet.agent.dev.tools;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** What one model turn asks for, parsed strictly from its answer. */
public sealed interface Action {

    /** One search/replace block: an empty search creates the file (it must not exist yet). */
    record Edit(String path, String search, String replace) {}

    /** One or more edits, applied in order; the first that does not match stops the rest. */
    record Edits(List<Edit> edits) implements Action {}

    /** A tool call: {@code {"tool": "...", ...arguments}}. */
    record Call(String tool, JsonNode arguments) implements Action {}

    /** An answer that is neither; the reason goes back to the model. */
    record Malformed(String reason) implements Action {}
}
