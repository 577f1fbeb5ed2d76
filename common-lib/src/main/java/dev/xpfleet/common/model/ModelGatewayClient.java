package dev.xpfleet.common.model;

import dev.xpfleet.common.stream.AgentRole;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls the orchestrator's model gateway for one task and role. Every call names the task, so the
 * gateway can check its budget before the model is asked; a refused or failed call comes back as a
 * {@link ModelCallException} with the gateway's reason, never as a hang.
 *
 * <p>Built on the JDK's HTTP client rather than Spring AI's OpenAI client: Spring AI 2.0.1's OpenAI
 * and Anthropic modules bring okhttp 4, which cannot share a process with the okhttp 5 that the
 * artifact store (MinIO) needs.
 */
public final class ModelGatewayClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI endpoint;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param baseUrl the orchestrator, e.g. {@code http://orchestrator:8080}
     * @param token an API token of the agent role
     * @param timeout per call; the gateway's own retries happen inside it
     */
    public ModelGatewayClient(URI baseUrl, String token, Duration timeout) {
        String base = baseUrl.toString();
        this.endpoint = URI.create((base.endsWith("/") ? base : base + "/") + "v1/chat/completions");
        this.token = Objects.requireNonNull(token, "token");
        this.timeout = timeout;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * A tool call a model asked for (OpenAI's {@code tool_calls}).
     *
     * @param arguments the arguments as the model wrote them: JSON text, unchecked
     */
    public record ToolCall(String id, String name, String arguments) {}

    /**
     * One chat message: text, an assistant's tool calls, or a tool's answer to one of them.
     *
     * @param toolCalls the assistant's tool calls (empty otherwise)
     * @param toolCallId for a {@code tool} message, the call it answers
     */
    public record Message(String role, String content, List<ToolCall> toolCalls, String toolCallId) {

        public Message {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }

        public Message(String role, String content) {
            this(role, content, List.of(), null);
        }

        public static Message system(String content) {
            return new Message("system", content);
        }

        public static Message user(String content) {
            return new Message("user", content);
        }

        public static Message assistant(String content) {
            return new Message("assistant", content);
        }

        public static Message assistant(String content, List<ToolCall> toolCalls) {
            return new Message("assistant", content, toolCalls, null);
        }

        public static Message tool(String toolCallId, String content) {
            return new Message("tool", content, List.of(), toolCallId);
        }
    }

    /**
     * The answer, with what it cost and whether it was replayed from a recording.
     *
     * @param repeated answered again from the archive of an earlier call with the same idempotency
     *     key: nothing was charged for it this time
     * @param toolCalls the tools the model asked to call (empty when it answered in text)
     */
    public record Completion(
            String text,
            long promptTokens,
            long completionTokens,
            boolean replayed,
            long callId,
            boolean repeated,
            List<ToolCall> toolCalls) {}

    public Completion chat(UUID task, AgentRole role, List<Message> messages, int maxTokens) {
        return chat(task, role, messages, maxTokens, null);
    }

    /**
     * @param idempotencyKey names this call (e.g. task:iteration:turn) so that asking it again, after
     *     the agent was killed and the step redelivered, is answered from the archive and not paid
     *     twice; null for none
     */
    public Completion chat(UUID task, AgentRole role, List<Message> messages, int maxTokens, String idempotencyKey) {
        return chat(task, role, messages, maxTokens, idempotencyKey, null);
    }

    /**
     * @param tools OpenAI-style tool definitions ({@code [{"type": "function", "function": {...}}]})
     *     the model may call, or null for none
     */
    public Completion chat(
            UUID task, AgentRole role, List<Message> messages, int maxTokens, String idempotencyKey, ArrayNode tools) {
        ObjectNode request = JSON.createObjectNode();
        request.put("max_tokens", maxTokens);
        var array = request.putArray("messages");
        for (Message m : messages) {
            ObjectNode message = array.addObject().put("role", m.role()).put("content", m.content());
            if (!m.toolCalls().isEmpty()) {
                var calls = message.putArray("tool_calls");
                for (ToolCall call : m.toolCalls()) {
                    calls.addObject()
                            .put("id", call.id())
                            .put("type", "function")
                            .putObject("function")
                            .put("name", call.name())
                            .put("arguments", call.arguments());
                }
            }
            if (m.toolCallId() != null) {
                message.put("tool_call_id", m.toolCallId());
            }
        }
        if (tools != null && !tools.isEmpty()) {
            request.set("tools", tools);
        }
        HttpRequest.Builder builder = dev.xpfleet.common.consumer.CurrentTrace.propagate(
                        HttpRequest.newBuilder(endpoint))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("X-Fleet-Task", task.toString())
                .header("X-Fleet-Role", role.key());
        if (idempotencyKey != null) {
            builder.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> response;
        try {
            response = http.send(
                    builder.POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ModelCallException(
                    0, "gateway_unreachable", "model gateway at " + endpoint + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelCallException(0, "interrupted", "interrupted while calling the model gateway");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new ModelCallException(
                    response.statusCode(), "malformed", "the gateway answered something that is not JSON");
        }
        if (response.statusCode() != 200) {
            JsonNode error = body.path("error");
            throw new ModelCallException(
                    response.statusCode(),
                    error.path("type").asString("error"),
                    error.path("message").asString("gateway answered " + response.statusCode()));
        }
        List<ToolCall> toolCalls = new java.util.ArrayList<>();
        for (JsonNode call : body.path("choices").path(0).path("message").path("tool_calls")) {
            toolCalls.add(new ToolCall(
                    call.path("id").asString(""),
                    call.path("function").path("name").asString(""),
                    call.path("function").path("arguments").asString("")));
        }
        return new Completion(
                body.path("choices").path(0).path("message").path("content").asString(""),
                body.path("usage").path("prompt_tokens").asLong(0),
                body.path("usage").path("completion_tokens").asLong(0),
                Boolean.parseBoolean(
                        response.headers().firstValue("X-Fleet-Replayed").orElse("false")),
                Long.parseLong(response.headers().firstValue("X-Fleet-Call").orElse("-1")),
                Boolean.parseBoolean(
                        response.headers().firstValue("X-Fleet-Repeated").orElse("false")),
                List.copyOf(toolCalls));
    }
}
