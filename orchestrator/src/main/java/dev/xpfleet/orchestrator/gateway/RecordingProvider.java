package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.common.redact.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls its delegate and writes each answered exchange where a {@code replay} provider finds it
 * ({@code <directory>/<key>.json}, secrets redacted), so a session with a live model can be played
 * back later with no network, e.g. in tests and the offline demo.
 */
final class RecordingProvider implements ModelProvider {

    private static final Logger log = LoggerFactory.getLogger(RecordingProvider.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final ModelProvider delegate;
    private final Path directory;

    RecordingProvider(String name, GatewayProperties.Provider config, ModelProvider delegate) {
        if (config.directory() == null) {
            throw new IllegalArgumentException("fleet.gateway.providers." + name + ".directory is required for record");
        }
        this.name = name;
        this.delegate = delegate;
        this.directory = config.directory();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String model() {
        return delegate.model();
    }

    @Override
    public Reply complete(ObjectNode request) throws UpstreamException {
        Reply reply = delegate.complete(request);
        String key = ReplayProvider.keyOf(request);
        ObjectNode exchange = JSON.createObjectNode();
        exchange.set("request", request);
        exchange.set("response", reply.body());
        try {
            Files.createDirectories(directory);
            Path partial = directory.resolve(key + ".json.partial");
            Files.writeString(partial, Secrets.redact(JSON.writeValueAsString(exchange)), StandardCharsets.UTF_8);
            Files.move(
                    partial,
                    directory.resolve(key + ".json"),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            log.info("Recorded exchange {} from {} in {}", key, delegate.name(), directory);
        } catch (IOException e) {
            log.error("Could not record exchange {} in {}: {}", key, directory, e.getMessage());
        }
        return reply;
    }
}
