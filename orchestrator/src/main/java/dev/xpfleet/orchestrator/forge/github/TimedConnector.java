package dev.xpfleet.orchestrator.forge.github;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/**
 * The library's calls over the JDK's HTTP client with a connect timeout and a timeout for every
 * answer, so a stalled connection to GitHub fails the call instead of holding a forge round forever.
 */
final class TimedConnector implements GitHubConnector {

    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient client;
    private final Duration timeout;

    TimedConnector(Duration connect, Duration timeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connect)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.timeout = timeout;
    }

    @Override
    public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(request.url().toURI()).timeout(timeout);
        } catch (URISyntaxException e) {
            throw new IOException("not a URL: " + request.url(), e);
        }
        request.allHeaders().forEach((name, values) -> {
            if (name != null && !RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        if (request.hasBody()) {
            try (InputStream in = request.body()) {
                body = HttpRequest.BodyPublishers.ofByteArray(in.readAllBytes());
            }
            if (request.contentType() != null && request.header("Content-Type") == null) {
                builder.header("Content-Type", request.contentType());
            }
        }
        builder.method(request.method(), body);
        try {
            HttpResponse<InputStream> response =
                    client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new Response(
                    request, response.statusCode(), response.headers().map(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling GitHub", e);
        }
    }

    private static final class Response extends GitHubConnectorResponse {
        private final InputStream body;

        Response(GitHubConnectorRequest request, int status, Map<String, List<String>> headers, InputStream body) {
            super(request, status, headers);
            this.body = body;
        }

        @Override
        public InputStream bodyStream() throws IOException {
            return wrapStream(body);
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
