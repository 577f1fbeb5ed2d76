package dev.xpfleet.orchestrator.context;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * all-MiniLM-L6-v2 running in this process from the ONNX model inside its Maven jar: 384
 * dimensions, normalised, no network. Loaded on first use (about 1.5 s), then shared.
 */
@Component
public class LocalEmbeddings {

    public static final int DIMENSIONS = 384;
    public static final String MODEL = "all-MiniLM-L6-v2";

    private static final Logger log = LoggerFactory.getLogger(LocalEmbeddings.class);
    private static final int BATCH = 32;

    private volatile EmbeddingModel model;

    /** One vector per text, in order. */
    public List<float[]> embed(List<String> texts) {
        EmbeddingModel m = model();
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += BATCH) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + BATCH)).stream()
                    .map(TextSegment::from)
                    .toList();
            for (Embedding e : m.embedAll(batch).content()) {
                vectors.add(e.vector());
            }
        }
        return vectors;
    }

    public float[] embed(String text) {
        return embed(List.of(text)).get(0);
    }

    private EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) {
                    long start = System.nanoTime();
                    model = new AllMiniLmL6V2QuantizedEmbeddingModel();
                    log.info("Loaded {} in {} ms", MODEL, (System.nanoTime() - start) / 1_000_000);
                }
                m = model;
            }
        }
        return m;
    }

    /** pgvector's text form, e.g. {@code [0.1,0.2]}. */
    static String literal(float[] vector) {
        StringBuilder s = new StringBuilder(vector.length * 10).append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                s.append(',');
            }
            s.append(vector[i]);
        }
        return s.append(']').toString();
    }
}
