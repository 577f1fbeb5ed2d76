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
        }
        return chars / 3 + 4 * count + 3;
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
