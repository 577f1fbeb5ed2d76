package dev.xpfleet.orchestrator.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Any endpoint speaking OpenAI's {@code /chat/completions}: OpenAI, Ollama, vLLM, llama.cpp server. */
final class OpenAiCompatibleProvider implements ModelProvider {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final GatewayProperties.Provider config;
    private final URI endpoint;
    private final HttpClient http;

    OpenAiCompatibleProvider(String name, GatewayProperties.Provider config) {
        if (config.baseUrl() == null) {
            throw new IllegalArgumentException("fleet.gateway.providers." + name + ".base-url is required");
        }
        this.name = name;
        this.config = config;
        String base = config.baseUrl().toString();
        this.endpoint = URI.create(base.endsWith("/") ? base + "chat/completions" : base + "/chat/completions");
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String model() {
        return config.model();
    }

    @Override
    public Reply complete(ObjectNode request) throws UpstreamException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)));
        if (config.apiKey() != null && !config.apiKey().isBlank()) {
            builder.header("Authorization", "Bearer " + config.apiKey());
        }
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new UpstreamException(
                    UpstreamException.Kind.TIMEOUT, name + " did not answer within " + config.timeout());
        } catch (IOException e) {
            throw new UpstreamException(
                    UpstreamException.Kind.UNREACHABLE, name + " unreachable at " + endpoint + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(UpstreamException.Kind.UNREACHABLE, "interrupted while calling " + name);
        }
        int status = response.statusCode();
        if (status == 429 || status == 503) {
            throw new UpstreamException(
                    status == 429 ? UpstreamException.Kind.RATE_LIMITED : UpstreamException.Kind.SERVER_ERROR,
                    name + " answered " + status + ": " + upstreamMessage(response.body()),
                    retryAfter(response));
        }
        if (status >= 500) {
            throw new UpstreamException(
                    UpstreamException.Kind.SERVER_ERROR,
                    name + " answered " + status + ": " + upstreamMessage(response.body()));
        }
        if (status < 200 || status > 299) {
            throw new UpstreamException(
                    UpstreamException.Kind.REJECTED,
                    name + " refused the request with " + status + ": " + upstreamMessage(response.body()));
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new UpstreamException(UpstreamException.Kind.MALFORMED, name + " answered with malformed JSON");
        }
        if (!(body instanceof ObjectNode object) || !object.path("choices").isArray()) {
            throw new UpstreamException(
                    UpstreamException.Kind.MALFORMED, name + " answered JSON without a 'choices' array");
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
        if (message.isBlank()) {
            message = body == null ? "" : body.strip();
        }
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response) {
        String value = response.headers().firstValue("Retry-After").orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis((long) (Double.parseDouble(value.strip()) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }
}
