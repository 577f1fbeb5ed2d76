package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.common.artifact.ArtifactKeys;
import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.redact.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Archives each exchange as {@code tasks/<task>/model/<call id>.json}, secrets redacted. */
@Component
class ExchangeArchive {

    private static final Logger log = LoggerFactory.getLogger(ExchangeArchive.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ArtifactStore store;

    ExchangeArchive(ArtifactStore store) {
        this.store = store;
    }

    /** The answer archived under {@code key}, if the exchange is there and has one. */
    Optional<ObjectNode> response(String key) {
        try {
            Optional<byte[]> stored = store.get(key);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            return JSON.readTree(stored.get()).path("response") instanceof ObjectNode response
                    ? Optional.of(response)
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.warn("Archived exchange {} unreadable: {}", key, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * @param answer the upstream's answer, or null when the call failed
     * @param error why it failed, or null
     * @return the key, or null when the store could not take it (logged; the call itself stands)
     */
    String store(
            UUID task,
            long callId,
            String role,
            ModelProvider provider,
            ObjectNode request,
            ModelProvider.Reply answer,
            String error) {
        ObjectNode exchange = JSON.createObjectNode();
        exchange.put("call", callId);
        exchange.put("task", task.toString());
        exchange.put("role", role);
        exchange.put("provider", provider.name());
        exchange.put("model", provider.model());
        exchange.put("replayed", answer != null && answer.replayed());
        exchange.put("at", Instant.now().toString());
        exchange.set("request", request);
        if (answer != null) {
            exchange.set("response", answer.body());
        }
        if (error != null) {
            exchange.put("error", error);
        }
        String key = ArtifactKeys.task(task, "model", callId + ".json");
        try {
            store.put(
                    key,
                    Secrets.redact(JSON.writeValueAsString(exchange)).getBytes(StandardCharsets.UTF_8),
                    "application/json");
            return key;
        } catch (IOException | RuntimeException e) {
            log.error("Could not archive model call {} of task {}: {}", callId, task, e.getMessage());
            return null;
        }
    }
}
