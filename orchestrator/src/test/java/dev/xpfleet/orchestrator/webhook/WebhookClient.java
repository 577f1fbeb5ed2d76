package dev.xpfleet.orchestrator.webhook;

import dev.xpfleet.common.testing.IsolatedServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Sends GitHub-shaped, signed deliveries to an orchestrator under test, built from the fixtures. */
public final class WebhookClient {

    /** A copy of shared/fixtures/github-webhooks (octokit/webhooks examples, MIT), kept with the tests. */
    public static final Path FIXTURES = findFixtures();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI endpoint;

    public WebhookClient(int port) {
        this.endpoint = URI.create("http://127.0.0.1:" + port + "/webhooks/github");
    }

    /** A fixture payload for a fresh random issue number, labelled, from an author of that association. */
    public static ObjectNode issue(String fixture, String label, String association) throws IOException {
        ObjectNode payload = fixture(fixture);
        ObjectNode issue = (ObjectNode) payload.path("issue");
        issue.put("number", ThreadLocalRandom.current().nextInt(1, 1_000_000_000));
        issue.put("author_association", association);
        issue.putArray("labels").addObject().put("name", label);
        if (payload.has("label")) {
            ((ObjectNode) payload.path("label")).put("name", label);
        }
        return payload;
    }

    /** A comment on a fresh random issue. */
    public static ObjectNode comment(String body, String association) throws IOException {
        ObjectNode payload = fixture("issue_comment.created");
        ((ObjectNode) payload.path("issue"))
                .put("number", ThreadLocalRandom.current().nextInt(1, 1_000_000_000));
        ((ObjectNode) payload.path("comment")).put("body", body).put("author_association", association);
        return payload;
    }

    public static ObjectNode fixture(String name) throws IOException {
        return (ObjectNode)
                JSON.readTree(FIXTURES.resolve(name + ".payload.json").toFile());
    }

    /** Signs with the test secret and posts. */
    public HttpResponse<String> send(String event, String delivery, ObjectNode payload)
            throws IOException, InterruptedException {
        byte[] body = JSON.writeValueAsBytes(payload);
        return post(event, delivery, body, GitHubSignature.sign(body, IsolatedServices.WEBHOOK_SECRET));
    }

    /** Posts exactly these bytes with this signature header (null delivery: header left out). */
    public HttpResponse<String> post(String event, String delivery, byte[] body, String signature)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (delivery != null) {
            request.header("X-GitHub-Delivery", delivery);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path findFixtures() {
        try {
            return Path.of(WebhookClient.class
                            .getResource("/github-webhooks/ping.payload.json")
                            .toURI())
                    .getParent();
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resources github-webhooks/ missing", e);
        }
    }
}
