package dev.xpfleet.orchestrator.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Recorded conversations, for agents whose later prompts hold output that changes from run to run
 * (test timings, temporary paths), so no recording of a whole request can match them again. A file
 * {@code <name>.conversation.json} holds {@code {"match": [...], "unless": [...], "answers": [...]}}:
 * it answers a request whose first user message contains every {@code match} string and none of
 * the (optional) {@code unless} strings, and the answer is the one
 * for the request's turn (the number of assistant messages it already holds). An answer is a chat
 * completion object, or a plain string for scripted recordings (its usage is then estimated).
 */
final class Conversations {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path directory;

    Conversations(Path directory) {
        this.directory = directory;
    }

    /** The recorded answer for this request's turn, if a conversation matches it. */
    Optional<ObjectNode> answer(ObjectNode request) throws UpstreamException {
        JsonNode messages = request.path("messages");
        String first = firstUser(messages);
        int turn = 0;
        for (JsonNode message : messages) {
            if ("assistant".equals(message.path("role").asString(""))) {
                turn++;
            }
        }
        UpstreamException unreadable = null;
        for (Path file : files()) {
            JsonNode recording;
            try {
                recording = read(file);
            } catch (UpstreamException e) {
                unreadable = e; // one broken recording does not break the others
                continue;
            }
            if (!matches(recording.path("match"), first) || containsAny(recording.path("unless"), first)) {
                continue;
            }
            JsonNode answers = recording.path("answers");
            if (turn >= answers.size()) {
                throw new UpstreamException(
                        UpstreamException.Kind.REPLAY_MISS,
                        "recorded conversation " + file.getFileName() + " has " + answers.size() + " answers; turn "
                                + (turn + 1) + " was asked");
            }
            JsonNode answer = answers.get(turn);
            return Optional.of(
                    answer.isString() ? completion(answer.asString(), messages) : (ObjectNode) answer.deepCopy());
        }
        if (unreadable != null) {
            throw unreadable; // nothing matched, and a recording that might have could not be read
        }
        return Optional.empty();
    }

    private List<Path> files() throws UpstreamException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.conversation.json")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new UpstreamException(
                    UpstreamException.Kind.MALFORMED, "cannot list " + directory + ": " + e.getMessage());
        }
        files.sort(null);
        return files;
    }

    private static JsonNode read(Path file) throws UpstreamException {
        try {
            JsonNode recording = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!recording.path("match").isArray()
                    || recording.path("match").isEmpty()
                    || !recording.path("answers").isArray()) {
                throw new UpstreamException(
                        UpstreamException.Kind.MALFORMED,
                        "recorded conversation " + file + " needs a non-empty 'match' array and an 'answers' array");
            }
            for (JsonNode answer : recording.path("answers")) {
                if (!answer.isString() && !answer.isObject()) {
                    throw new UpstreamException(
                            UpstreamException.Kind.MALFORMED,
                            "recorded conversation " + file + ": each answer is a string or a chat completion object");
                }
            }
            return recording;
        } catch (IOException | JacksonException e) {
            throw new UpstreamException(
                    UpstreamException.Kind.MALFORMED,
                    "recorded conversation " + file + " unreadable: " + e.getMessage());
        }
    }

    private static boolean matches(JsonNode match, String firstUser) {
        for (JsonNode part : match) {
            if (!firstUser.contains(part.asString(""))) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsAny(JsonNode unless, String firstUser) {
        for (JsonNode part : unless) {
            if (!part.asString("").isEmpty() && firstUser.contains(part.asString(""))) {
                return true;
            }
        }
        return false;
    }

    private static String firstUser(JsonNode messages) {
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asString(""))) {
                return message.path("content").isString()
                        ? message.path("content").asString()
                        : message.path("content").toString();
            }
        }
        return "";
    }

    /** A scripted answer as a chat completion; its usage is the gateway's estimate, said as such. */
    private static ObjectNode completion(String text, JsonNode messages) {
        ObjectNode body = JSON.createObjectNode();
        body.put("object", "chat.completion");
        body.putArray("choices")
                .addObject()
                .put("index", 0)
                .put("finish_reason", "stop")
                .putObject("message")
                .put("role", "assistant")
                .put("content", text);
        body.putObject("usage")
                .put("prompt_tokens", TokenEstimator.promptTokens(messages))
                .put("completion_tokens", Math.max(1, text.length() / 4))
                .put("estimated", true);
        return body;
    }
}
