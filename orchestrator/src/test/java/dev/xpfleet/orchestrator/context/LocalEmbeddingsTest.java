package dev.xpfleet.orchestrator.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class LocalEmbeddingsTest {

    static final LocalEmbeddings EMBEDDINGS = new LocalEmbeddings();

    @AfterAll
    static void close() {
        EMBEDDINGS.close();
    }

    @Test
    void vectorsAreUnitLengthAndTheSameTextGivesTheSameVector() {
        float[] v = EMBEDDINGS.embed("publish outbox rows to redis streams");

        assertThat(v).hasSize(LocalEmbeddings.DIMENSIONS);
        assertThat(dot(v, v)).isCloseTo(1.0, within(1e-4));
        assertThat(EMBEDDINGS.embed("publish outbox rows to redis streams")).containsExactly(v);
    }

    @Test
    void aBatchIsEmbeddedInParallelAndKeepsItsOrder() {
        List<String> texts = IntStream.range(0, 12)
                .mapToObj(i -> "text number " + i + " about topic " + (i * 7))
                .toList();

        List<float[]> vectors = EMBEDDINGS.embed(texts);

        assertThat(vectors).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            assertThat(vectors.get(i)).containsExactly(EMBEDDINGS.embed(texts.get(i)));
        }
    }

    @Test
    void theModelReadsAtMostItsWindowAndTokensCountsWithoutCutting() {
        String words = "alpha beta gamma delta ".repeat(40); // 160 word pieces
        assertThat(EMBEDDINGS.tokens("hello world")).isEqualTo(2);
        assertThat(EMBEDDINGS.tokens(words)).isEqualTo(160);

        assertThat(EMBEDDINGS.embed(words + "completely different ending about databases"))
                .as("words past the window do not change the vector")
                .containsExactly(EMBEDDINGS.embed(words));
    }

    @Test
    void agreesWithTheReferenceImplementationOfTheSameModelWithinItsWindow() {
        var reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        for (String text : List.of(
                "verify the webhook signature",
                "class Billing { long totalInCents(long[] items) { return 0; } }",
                "SELECT path FROM code_chunks ORDER BY embedding <=> ? LIMIT 10")) {
            float[] expected = reference.embed(TextSegment.from(text)).content().vector();
            assertThat(dot(EMBEDDINGS.embed(text), expected)).as(text).isGreaterThan(0.9999);
        }
    }

    @Test
    void closingWhileABatchRunsWaitsForTheRunningCallsAndFailsTheRest() {
        LocalEmbeddings own = new LocalEmbeddings();
        List<String> texts = IntStream.range(0, 200).mapToObj(i -> "text " + i).toList();
        CompletableFuture<List<float[]>> batch = own.embedAsync(texts);

        own.close(); // frees the native session: must not happen under a running call

        assertThatThrownBy(batch::join)
                .isInstanceOf(CompletionException.class)
                .hasRootCauseMessage(LocalEmbeddings.MODEL + " was closed");
        assertThatThrownBy(() -> own.embed("after close"))
                .as("not loaded again behind the closer's back")
                .isInstanceOf(ModelUnavailableException.class);
    }

    @Test
    void garbageStillGivesAUnitVector() {
        for (String text : List.of(
                "", "   \n\t ", "\u0000\u0001\u0002", "x".repeat(1_000_000), "🙂🙃 ∑∫ 漢字", "\uD800 lone surrogate")) {
            float[] v = EMBEDDINGS.embed(text);
            assertThat(v).hasSize(LocalEmbeddings.DIMENSIONS);
            assertThat(dot(v, v)).as("length of %.20s", text).isCloseTo(1.0, within(1e-3));
        }
    }

    @Test
    void relatedTextsAreCloserThanUnrelatedOnes() {
        float[] query = EMBEDDINGS.embed("check the HMAC signature of a GitHub delivery");

        assertThat(dot(query, EMBEDDINGS.embed("verify the webhook signature header")))
                .isGreaterThan(dot(query, EMBEDDINGS.embed("bake a chocolate cake for the party")) + 0.2);
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
