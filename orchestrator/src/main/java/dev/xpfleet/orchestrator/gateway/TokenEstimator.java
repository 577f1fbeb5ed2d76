package dev.xpfleet.orchestrator.gateway;

import tools.jackson.databind.JsonNode;

/**
 * A deliberately generous estimate of a prompt's tokens before the call (the real count comes back
 * in {@code usage}): about one token per three characters of text, plus a few per message for the
 * chat framing. English and code average nearer four characters per token with common tokenizers,
 * so this errs towards reserving too much, which only matters while the call is in flight.
 */
final class TokenEstimator {

    private TokenEstimator() {}

    static long promptTokens(JsonNode messages) {
        long chars = 0;
        long count = 0;
        for (JsonNode message : messages) {
            count++;
            chars += text(message.path("content"));
            chars += message.path("name").asString("").length();
            for (JsonNode call : message.path("tool_calls")) {
                chars += call.path("function").path("name").asString("").length()
                        + call.path("function").path("arguments").asString("").length();
            }
        }
        return chars / 3 + 4 * count + 3;
    }

    /** The tool definitions a request offers: the model reads them as part of its prompt. */
    static long tools(JsonNode tools) {
        return tools.isArray() ? tools.toString().length() / 3 : 0;
    }

    private static long text(JsonNode content) {
        if (content.isString()) {
            return content.asString().length();
        }
        long chars = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                chars += part.path("text").asString("").length();
            }
        }
        return chars;
    }
}
