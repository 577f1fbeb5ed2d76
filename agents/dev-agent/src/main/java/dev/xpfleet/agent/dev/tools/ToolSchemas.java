package dev.xpfleet.agent.dev.tools;

import dev.xpfleet.common.model.ModelGatewayClient.ToolCall;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The developer's tools as OpenAI-style function definitions, and a model's tool call read back as
 * the same {@link Action} a text answer gives: one controller whatever the protocol.
 */
public final class ToolSchemas {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ToolSchemas() {}

    /** The definitions sent with every turn. */
    public static ArrayNode definitions() {
        ArrayNode tools = JSON.createArrayNode();
        tool(tools, "list", "List the files under a directory of the repository.", "path", "directory, empty for all");
        ObjectNode read = tool(tools, "read", "Read lines of a file, numbered.", "path", "file");
        read.withObject("properties").putObject("start").put("type", "integer");
        read.withObject("properties").putObject("end").put("type", "integer");
        tool(tools, "search", "Find lines holding a literal text.", "text", "the text");
        ObjectNode edit = tool(
                tools,
                "edit",
                "Replace text that occurs exactly once in a file; an empty search creates the file.",
                "path",
                "file");
        edit.withObject("properties").putObject("search").put("type", "string");
        edit.withObject("properties").putObject("replace").put("type", "string");
        edit.withArray("required").add("search").add("replace");
        tool(tools, "delete", "Delete a file.", "path", "file");
        tool(tools, "run", "Run a shell command in the sandbox (no network).", "command", "the command");
        tool(tools, "run_tests", "Run the repository's tests.", null, null);
        tool(tools, "submit", "End the phase: the controller runs the tests and judges the phase.", null, null)
                .withObject("properties")
                .putObject("summary")
                .put("type", "string")
                .put("description", "On the last submit: what you changed and why, for the pull request");
        tool(tools, "give_up", "Stop: the change cannot be expressed as a failing test.", "reason", "why");
        return tools;
    }

    /** A tool call as an action; arguments that are not a JSON object are malformed. */
    public static Action action(ToolCall call) {
        JsonNode arguments;
        try {
            arguments = call.arguments() == null || call.arguments().isBlank()
                    ? JSON.createObjectNode()
                    : JSON.readTree(call.arguments());
        } catch (JacksonException e) {
            return new Action.Malformed(
                    "the arguments of " + call.name() + " are not valid JSON: " + e.getOriginalMessage());
        }
        if (!(arguments instanceof ObjectNode object)) {
            return new Action.Malformed("the arguments of " + call.name() + " must be a JSON object");
        }
        if ("edit".equals(call.name())) {
            return new Action.Edits(List.of(new Action.Edit(
                    object.path("path").asString(""),
                    object.path("search").asString(""),
                    object.path("replace").asString(""))));
        }
        return new Action.Call(call.name(), object.put("tool", call.name()));
    }

    private static ObjectNode tool(ArrayNode tools, String name, String description, String argument, String about) {
        ObjectNode function = tools.addObject().put("type", "function").putObject("function");
        function.put("name", name).put("description", description);
        ObjectNode parameters = function.putObject("parameters").put("type", "object");
        ObjectNode properties = parameters.putObject("properties");
        if (argument != null) {
            properties.putObject(argument).put("type", "string").put("description", about);
            parameters.putArray("required").add(argument);
        }
        return parameters;
    }
}
