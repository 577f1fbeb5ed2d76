package dev.xpfleet.orchestrator.gateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}), translated from and to the OpenAI chat
 * shape the agents speak: system messages become {@code system}, the answer's text blocks become
 * the choice's content, {@code input_tokens}/{@code output_tokens} become {@code usage}. Spoken
 * over HTTP directly: Spring AI's Anthropic module (2.0.1) brings the Anthropic SDK with okhttp 4,
 * which cannot live beside the okhttp 5 that MinIO needs in the same process.
 */
final class AnthropicProvider extends HttpModelProvider {

    static final String VERSION = "2023-06-01";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    AnthropicProvider(String name, GatewayProperties.Provider config) {
        super(name, config, "https://api.anthropic.com/v1", "messages");
    }

    @Override
    public Reply complete(ObjectNode request) throws UpstreamException {
        HttpRequest.Builder builder = HttpRequest.newBuilder().header("anthropic-version", VERSION);
        if (config.apiKey() != null && !config.apiKey().isBlank()) {
            builder.header("x-api-key", config.apiKey());
        }
        HttpResponse<String> response = post(builder, JSON.writeValueAsBytes(toMessages(request)));
        int status = response.statusCode();
        String message = errorMessage(response.body());
        if (status == 429) {
            throw new UpstreamException(
                    UpstreamException.Kind.RATE_LIMITED, name() + " answered 429: " + message, retryAfter(response));
        }
        if (status >= 500) { // 529 is Anthropic's "overloaded"
            throw new UpstreamException(
                    UpstreamException.Kind.SERVER_ERROR,
                    name() + " answered " + status + ": " + message,
                    retryAfter(response));
        }
        if (status < 200 || status > 299) {
            throw new UpstreamException(
                    UpstreamException.Kind.REJECTED, name() + " refused the request with " + status + ": " + message);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new UpstreamException(UpstreamException.Kind.MALFORMED, name() + " answered with malformed JSON");
        }
        if (!body.path("content").isArray()) {
            throw new UpstreamException(
                    UpstreamException.Kind.MALFORMED, name() + " answered JSON without a 'content' array");
        }
        return new Reply(toChatCompletion(body), false);
    }

    /** OpenAI chat request -> Anthropic Messages request. */
    static ObjectNode toMessages(ObjectNode chat) {
        ObjectNode out = JSON.createObjectNode();
        out.put("model", chat.path("model").asString());
        out.put("max_tokens", chat.path("max_tokens").asInt());
        if (chat.has("temperature")) {
            out.set("temperature", chat.get("temperature"));
        }
        if (chat.has("stop")) {
            JsonNode stop = chat.get("stop");
            ArrayNode sequences = out.putArray("stop_sequences");
            if (stop.isArray()) {
                stop.forEach(sequences::add);
            } else {
                sequences.add(stop);
            }
        }
        StringBuilder system = new StringBuilder();
        ArrayNode messages = out.putArray("messages");
        for (JsonNode message : chat.path("messages")) {
            String role = message.path("role").asString();
            String text = text(message.path("content"));
            if ("system".equals(role) || "developer".equals(role)) {
                system.append(system.isEmpty() ? "" : "\n\n").append(text);
            } else {
                messages.addObject()
                        .put("role", "assistant".equals(role) ? "assistant" : "user")
                        .put("content", text);
            }
        }
        if (!system.isEmpty()) {
            out.put("system", system.toString());
        }
        return out;
    }

    /** Anthropic Messages answer -> OpenAI chat completion. */
    static ObjectNode toChatCompletion(JsonNode answer) {
        StringBuilder text = new StringBuilder();
        for (JsonNode block : answer.path("content")) {
            if ("text".equals(block.path("type").asString())) {
                text.append(block.path("text").asString());
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", answer.path("id").asString(""));
        out.put("object", "chat.completion");
        out.put("model", answer.path("model").asString(""));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text.toString());
        choice.put("finish_reason", finishReason(answer.path("stop_reason").asString("")));
        long in = answer.path("usage").path("input_tokens").asLong(0);
        long outTokens = answer.path("usage").path("output_tokens").asLong(0);
        out.putObject("usage")
                .put("prompt_tokens", in)
                .put("completion_tokens", outTokens)
                .put("total_tokens", in + outTokens);
        return out;
    }

    private static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens" -> "length";
            case "tool_use" -> "tool_calls";
            default -> "stop";
        };
    }

    private static String text(JsonNode content) {
        if (content.isString()) {
            return content.asString();
        }
        StringBuilder s = new StringBuilder();
        for (JsonNode part : content) {
            s.append(part.path("text").asString(""));
        }
        return s.toString();
    }

    private static String errorMessage(String body) {
        try {
            String message = JSON.readTree(body).path("error").path("message").asString("");
            if (!message.isBlank()) {
                return shorten(message);
            }
        } catch (JacksonException e) {
            // not JSON: the raw text below
        }
        return shorten(body);
    }
}
