package dev.xpfleet.agent.dev.implement;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Code related to the issue from the orchestrator's retrieval (pgvector over the repository at the
 * base commit): the commit is indexed first (unchanged files reuse their chunks), then searched
 * with the text. Optional context: when retrieval is off, slow or failing, the developer
 * goes on with the repository map alone and says so in its log.
 */
final class Retrieval {

    private static final Logger log = LoggerFactory.getLogger(Retrieval.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final int HITS = 6;
    static final int MAX_CHARS = 4_000;

    private final URI orchestrator;
    private final String token;
    private final Duration indexTimeout;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Retrieval(URI orchestrator, String token, Duration indexTimeout) {
        this.orchestrator = orchestrator;
        this.token = token;
        this.indexTimeout = indexTimeout;
    }

    /** The nearest chunks as {@code path:start-end} blocks, at most {@value #MAX_CHARS} characters; "" when none. */
    String related(String repository, String commit, String query) {
        try {
            ObjectNode target =
                    JSON.createObjectNode().put("repository", repository).put("commit", commit);
            JsonNode indexed = post("/api/context/index", target, indexTimeout);
            JsonNode found = post(
                    "/api/context/search",
                    target.deepCopy()
                            .put("query", query.length() > 2_000 ? query.substring(0, 2_000) : query)
                            .put("k", HITS),
                    Duration.ofSeconds(30));
            StringBuilder text = new StringBuilder();
            for (JsonNode hit : found.path("hits")) {
                String block = hit.path("path").asString("") + ":"
                        + hit.path("startLine").asInt() + "-"
                        + hit.path("endLine").asInt() + "\n"
                        + hit.path("content").asString("") + "\n\n";
                if (text.length() + block.length() > MAX_CHARS) {
                    break;
                }
                text.append(block);
            }
            log.info(
                    "Retrieval for {}@{}: {} chunks indexed, {} related shown",
                    repository,
                    commit,
                    indexed.path("chunks").asInt(),
                    found.path("hits").size());
            return text.toString();
        } catch (RetrievalException e) {
            log.info(
                    "No retrieval for {}@{}: {}; going on with the repository map", repository, commit, e.getMessage());
            return "";
        }
    }

    private JsonNode post(String path, ObjectNode body, Duration timeout) throws RetrievalException {
        try {
            HttpResponse<String> response = http.send(
                    dev.xpfleet.common.consumer.CurrentTrace.propagate(
                                    HttpRequest.newBuilder(orchestrator.resolve(path)))
                            .timeout(timeout)
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                String detail = response.body().length() > 200 ? response.body().substring(0, 200) : response.body();
                throw new RetrievalException(path + " answered " + response.statusCode() + ": " + detail);
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RetrievalException(path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetrievalException("interrupted");
        } catch (RuntimeException e) {
            throw new RetrievalException(path + ": " + e.getMessage());
        }
    }

    private static final class RetrievalException extends Exception {
        RetrievalException(String message) {
            super(message);
        }
    }
}
