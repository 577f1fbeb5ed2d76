package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.orchestrator.context.LocalEmbeddings;
import io.swagger.v3.oas.annotations.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/embeddings}, OpenAI-compatible, answered by the in-process all-MiniLM-L6-v2
 * model: free and offline, so not counted against token budgets.
 */
@RestController
class EmbeddingsController {

    private static final int MAX_INPUTS = 256;
    private static final int MAX_CHARS = 8_000;

    private final LocalEmbeddings embeddings;

    EmbeddingsController(LocalEmbeddings embeddings) {
        this.embeddings = embeddings;
    }

    @Operation(summary = "Embeddings from the local all-MiniLM-L6-v2 model, 384 dimensions (agent role)")
    @PostMapping("/v1/embeddings")
    Map<String, Object> embed(@RequestBody JsonNode body) {
        JsonNode input = body.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isString()) {
            texts.add(input.asString());
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                if (!item.isString()) {
                    throw GatewayException.badRequest("'input' must be a string or an array of strings");
                }
                texts.add(item.asString());
            }
        }
        if (texts.isEmpty() || texts.size() > MAX_INPUTS) {
            throw GatewayException.badRequest("'input' needs 1 to " + MAX_INPUTS + " strings");
        }
        if (texts.stream().anyMatch(t -> t.length() > MAX_CHARS)) {
            throw GatewayException.badRequest("each input may have at most " + MAX_CHARS + " characters");
        }
        List<float[]> vectors = embeddings.embed(texts);
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("object", "embedding");
            item.put("index", i);
            item.put("embedding", vectors.get(i));
            data.add(item);
        }
        long tokens = texts.stream().mapToLong(embeddings::tokens).sum();
        return Map.of(
                "object",
                "list",
                "model",
                LocalEmbeddings.MODEL,
                "data",
                data,
                "usage",
                Map.of("prompt_tokens", tokens, "total_tokens", tokens));
    }
}
