package dev.xpfleet.common.workspace;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where an agent clones a repository from, asked of the orchestrator ({@code GET
 * /api/forge/clone-credentials}, agent role): agents hold no forge credentials of their own; on
 * GitHub the answer carries a short-lived token for that repository. The token is used for the
 * clone and forgotten, never logged.
 */
public final class CloneCredentials {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /** A clone source: the URL and what to authenticate with (null: nothing). */
    public record Source(String url, CredentialsProvider credentials) {

        @Override
        public String toString() {
            return "Source[" + url + (credentials == null ? "" : ", with credentials") + "]";
        }
    }

    /**
     * @param base the orchestrator, e.g. {@code http://orchestrator:8080}
     * @param token an API token of the agent role
     */
    public CloneCredentials(URI base, String token, Duration timeout) {
        this.base = base;
        this.token = token;
        this.timeout = timeout;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Where an agent clones a repository from: its own clone URL template when it has one (the local
     * forge, {@code file://.../{repository}.git}), else the orchestrator's answer (URL and token).
     *
     * @param agent the agent's name, for the error when it has neither
     * @throws IllegalStateException when the agent has neither setting
     */
    public static Source of(String cloneUrl, URI orchestratorUrl, String token, String repository, String agent)
            throws WorkspaceException {
        if (cloneUrl != null && cloneUrl.contains("{repository}")) {
            return new Source(cloneUrl.replace("{repository}", repository), null);
        }
        if (orchestratorUrl != null) {
            return new CloneCredentials(orchestratorUrl, token, Duration.ofSeconds(30)).forRepository(repository);
        }
        throw new IllegalStateException("the " + agent + " has neither fleet." + agent
                + ".clone-url with {repository} nor fleet." + agent + ".orchestrator-url");
    }

    /**
     * @throws WorkspaceException when the orchestrator cannot be asked or refuses, with its reason
     */
    public Source forRepository(String repository) throws WorkspaceException {
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        URI uri = URI.create(root + "api/forge/clone-credentials?repository="
                + URLEncoder.encode(repository, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = http.send(
                    dev.xpfleet.common.consumer.CurrentTrace.propagate(HttpRequest.newBuilder(uri))
                            .timeout(timeout)
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new WorkspaceException("cannot ask the orchestrator how to clone " + repository + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkspaceException("interrupted while asking how to clone " + repository, e);
        }
        if (response.statusCode() != 200) {
            JsonNode problem = readOrEmpty(response.body());
            throw new WorkspaceException("the orchestrator refused clone credentials for " + repository + " ("
                    + response.statusCode() + "): " + problem.path("detail").asString(""));
        }
        JsonNode body = readOrEmpty(response.body());
        String url = body.path("url").asString("");
        if (url.isEmpty()) {
            throw new WorkspaceException("the orchestrator named no clone URL for " + repository);
        }
        String password = body.path("password").asString("");
        return new Source(
                url,
                password.isEmpty()
                        ? null
                        : new UsernamePasswordCredentialsProvider(
                                body.path("username").asString("x-access-token"), password));
    }

    private static JsonNode readOrEmpty(String text) {
        try {
            return JSON.readTree(text == null || text.isBlank() ? "{}" : text);
        } catch (tools.jackson.core.JacksonException e) {
            return JSON.createObjectNode();
        }
    }
}
