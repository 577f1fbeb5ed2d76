package dev.xpfleet.common.consumer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** What a handler reports. A thrown exception is neither: it is retried. */
public sealed interface HandlerResult {

    /** The work is done; {@code output} goes to the orchestrator. */
    record Completed(JsonNode output) implements HandlerResult {}

    /** The work cannot succeed (bad input, policy): reported at once, not retried. */
    record Failed(String reason, JsonNode output) implements HandlerResult {}

    static Completed completed(JsonNode output) {
        return new Completed(output == null ? JsonNodeFactory.instance.objectNode() : output);
    }

    static Failed failed(String reason) {
        return new Failed(reason, JsonNodeFactory.instance.objectNode());
    }
}
