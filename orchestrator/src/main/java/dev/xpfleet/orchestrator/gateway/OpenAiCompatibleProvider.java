package dev.xpfleet.orchestrator.gateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Any endpoint speaking OpenAI's {@code /chat/completions}: OpenAI, Ollama, vLLM, llama.cpp server. */
final class OpenAiCompatibleProvider extends HttpModelProvider {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    OpenAiCompatibleProvider(String name, GatewayProperties.Provider config) {
        super(name, config, null, "chat/completions");
    }

    @Override
    public Reply complete(ObjectNode request) throws UpstreamException {
        HttpRequest.Builder builder = HttpRequest.newBuilder();
        if (config.apiKey() != null && !config.apiKey().isBlank()) {
            builder.header("Authorization", "Bearer " + config.apiKey());
        }
        HttpResponse<String> response = post(builder, JSON.writeValueAsBytes(request));
        int status = response.statusCode();
        if (status == 429 || status == 503) {
            throw new UpstreamException(
                    status == 429 ? UpstreamException.Kind.RATE_LIMITED : UpstreamException.Kind.SERVER_ERROR,
                    name() + " answered " + status + ": " + upstreamMessage(response.body()),
                    retryAfter(response));
        }
        if (status >= 500) {
            throw new UpstreamException(
                    UpstreamException.Kind.SERVER_ERROR,
                    name() + " answered " + status + ": " + upstreamMessage(response.body()));
        }
        if (status < 200 || status > 299) {
            throw new UpstreamException(
                    UpstreamException.Kind.REJECTED,
                    name() + " refused the request with " + status + ": " + upstreamMessage(response.body()));
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new UpstreamException(UpstreamException.Kind.MALFORMED, name() + " answered with malformed JSON");
        }
        if (!(body instanceof ObjectNode object) || !object.path("choices").isArray()) {
            throw new UpstreamException(
                    UpstreamException.Kind.MALFORMED, name() + " answered JSON without a 'choices' array");
        }
        return new Reply(object, false);
    }

    /** The upstream's own error message (OpenAI's error shape), shortened; never the request. */
    private static String upstreamMessage(String body) {
        String message;
        try {
            JsonNode node = JSON.readTree(body);
            message = node.path("error")
                    .path("message")
                    .asString(node.path("error").asString(""));
        } catch (JacksonException e) {
            message = "";
        }
        return shorten(message.isBlank() ? body : message);
    }
}
