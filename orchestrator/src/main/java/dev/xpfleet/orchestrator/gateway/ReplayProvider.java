package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.common.hash.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers from recorded exchanges: {@code <directory>/<key>.json} holding {@code {"request": ...,
 * "response": ...}}, where the key is the SHA-256 of the request's {@code messages} (and {@code
 * tools}, when present) written as compact JSON; else from a recorded conversation (see {@link
 * Conversations}) matching the request's first user message, by turn. No network; for tests and
 * the offline demo, and every answer is marked replayed.
 */
final class ReplayProvider implements ModelProvider {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final GatewayProperties.Provider config;
    private final Conversations conversations;

    ReplayProvider(String name, GatewayProperties.Provider config) {
        if (config.directory() == null) {
            throw new IllegalArgumentException("fleet.gateway.providers." + name + ".directory is required for replay");
        }
        this.name = name;
        this.config = config;
        this.conversations = new Conversations(config.directory());
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
        String key = keyOf(request);
        Path file = config.directory().resolve(key + ".json");
        if (!Files.isRegularFile(file)) {
            Optional<ObjectNode> turn = conversations.answer(request);
            if (turn.isPresent()) {
                return new Reply(turn.get(), true);
            }
            throw new UpstreamException(
                    UpstreamException.Kind.REPLAY_MISS,
                    "no recorded exchange " + key + " in " + config.directory() + " for the request whose last message"
                            + " starts '" + lastMessageStart(request) + "'");
        }
        try {
            JsonNode recorded = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!(recorded.path("response") instanceof ObjectNode response)) {
                throw new UpstreamException(
                        UpstreamException.Kind.MALFORMED, "recorded exchange " + file + " has no 'response' object");
            }
            return new Reply(response.deepCopy(), true);
        } catch (IOException | JacksonException e) {
            throw new UpstreamException(
                    UpstreamException.Kind.MALFORMED, "recorded exchange " + file + " unreadable: " + e.getMessage());
        }
    }

    /** The recording key of a request; what a recording tool writes the file name as. */
    static String keyOf(ObjectNode request) {
        ObjectNode identity = JSON.createObjectNode();
        identity.set("messages", request.path("messages"));
        if (request.has("tools")) {
            identity.set("tools", request.path("tools"));
        }
        return Sha256.hex(JSON.writeValueAsBytes(identity));
    }

    private static String lastMessageStart(ObjectNode request) {
        JsonNode messages = request.path("messages");
        String text = messages.isArray() && !messages.isEmpty()
                ? messages.get(messages.size() - 1).path("content").asString("")
                : "";
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
