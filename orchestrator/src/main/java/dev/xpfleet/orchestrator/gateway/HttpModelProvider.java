package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.orchestrator.support.RetryAfter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

/** What the HTTP upstreams share: one client, one endpoint, and how transport trouble is named. */
abstract class HttpModelProvider implements ModelProvider {

    private final String name;
    protected final GatewayProperties.Provider config;
    protected final URI endpoint;
    private final HttpClient http;

    HttpModelProvider(String name, GatewayProperties.Provider config, String defaultBaseUrl, String path) {
        String base = config.baseUrl() != null ? config.baseUrl().toString() : defaultBaseUrl;
        if (base == null) {
            throw new IllegalArgumentException("fleet.gateway.providers." + name + ".base-url is required");
        }
        this.name = name;
        this.config = config;
        this.endpoint = URI.create(base.endsWith("/") ? base + path : base + "/" + path);
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String model() {
        return config.model();
    }

    /** A POST of this body to the endpoint, with the per-attempt timeout; transport trouble is named. */
    protected final HttpResponse<String> post(HttpRequest.Builder request, byte[] body) throws UpstreamException {
        try {
            return http.send(
                    request.uri(endpoint)
                            .timeout(config.timeout())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
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
    }

    static String shorten(String message) {
        String text = message == null ? "" : message.strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response) {
        return RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), Instant.now());
    }
}
