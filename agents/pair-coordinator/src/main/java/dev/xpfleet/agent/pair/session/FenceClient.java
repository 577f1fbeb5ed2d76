package dev.xpfleet.agent.pair.session;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks the orchestrator for a session's next fencing token ({@code POST
 * /api/pair/sessions/{id}/fence}) right after the session's lock was taken. The token goes with
 * every result of the session; the orchestrator refuses any other.
 */
public class FenceClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String token;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FenceClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /** The session is over (its task left PAIRING) or unknown: nothing is to be done for it. */
    public static final class SessionOver extends Exception {
        private static final long serialVersionUID = 1L;

        SessionOver(String message) {
            super(message);
        }
    }

    /**
     * @param answering the event id of the message being answered: a token is handed out only
     *     while the session waits on it
     * @throws SessionOver when the orchestrator answers 404 or 409
     * @throws IOException when it cannot be asked or answers anything else (the step is tried again)
     */
    public long next(UUID session, UUID answering) throws IOException, InterruptedException, SessionOver {
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        HttpResponse<String> response = http.send(
                dev.xpfleet.common.consumer.CurrentTrace.propagate(HttpRequest.newBuilder(
                                URI.create(root + "api/pair/sessions/" + session + "/fence?answering=" + answering)))
                        .timeout(Duration.ofSeconds(10)) // well inside the lock's lifetime
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 404 || status == 409) {
            throw new SessionOver(detail(response.body(), "session " + session + " answered " + status));
        }
        if (status != 200) {
            throw new IOException("the orchestrator answered " + status + " for a fencing token: "
                    + detail(response.body(), "no detail"));
        }
        JsonNode fence = JSON.readTree(response.body()).path("fence");
        if (!fence.isIntegralNumber()) {
            throw new IOException("the orchestrator's answer has no fencing token");
        }
        return fence.asLong();
    }

    private static String detail(String body, String otherwise) {
        try {
            return JSON.readTree(body).path("detail").asString(otherwise);
        } catch (RuntimeException e) {
            return otherwise;
        }
    }
}
