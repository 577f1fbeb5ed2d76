package dev.xpfleet.orchestrator.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkerTest {

    /** One word piece per word: enough to test the windows without the model. */
    static final ToIntFunction<String> WORDS =
            line -> line.isBlank() ? 0 : line.trim().split("\\s+").length;

    static String lines(int count, int wordsEach) {
        return IntStream.rangeClosed(1, count)
                        .mapToObj(i -> IntStream.range(0, wordsEach)
                                .mapToObj(w -> "w" + i)
                                .collect(Collectors.joining(" ")))
                        .collect(Collectors.joining("\n"))
                + "\n";
    }

    @Test
    void aSmallFileIsOneChunk() {
        assertThat(Chunker.chunks("int a;\nint b;\n", WORDS, 100))
                .singleElement()
                .isEqualTo(new Chunker.Chunk(1, 2, "int a;\nint b;\n"));
    }

    @Test
    void chunksStayWithinTheBudgetAndCoverEveryLine() {
        List<Chunker.Chunk> chunks = Chunker.chunks(lines(100, 7), WORDS, 50);

        assertThat(chunks).allSatisfy(c -> assertThat(words(c)).isLessThanOrEqualTo(50));
        assertThat(chunks.get(0).startLine()).isEqualTo(1);
        assertThat(chunks.get(chunks.size() - 1).endLine()).isEqualTo(100);
        for (int i = 1; i < chunks.size(); i++) {
            Chunker.Chunk before = chunks.get(i - 1);
            Chunker.Chunk chunk = chunks.get(i);
            assertThat(chunk.startLine()).as("no gap").isLessThanOrEqualTo(before.endLine() + 1);
            assertThat(chunk.startLine()).as("progress").isGreaterThan(before.startLine());
        }
    }

    @Test
    void consecutiveChunksOverlapByASmallShareOfTheBudget() {
        List<Chunker.Chunk> chunks = Chunker.chunks(lines(40, 2), WORDS, 32);

        // 16 lines of 2 words fill a budget of 32; the next chunk repeats the last 2 lines (4 = 32 / 8)
        assertThat(chunks.get(0))
                .extracting(Chunker.Chunk::startLine, Chunker.Chunk::endLine)
                .containsExactly(1, 16);
        assertThat(chunks.get(1))
                .extracting(Chunker.Chunk::startLine, Chunker.Chunk::endLine)
                .containsExactly(15, 30);
    }

    @Test
    void aLineLongerThanTheBudgetIsAChunkOfItsOwn() {
        String text = "short\n" + "x ".repeat(300) + "\nshort again\n";

        List<Chunker.Chunk> chunks = Chunker.chunks(text, WORDS, 50);

        assertThat(ranges(chunks)).containsExactly(List.of(1, 1), List.of(2, 2), List.of(3, 3));
    }

    @Test
    void shortLinesBeforeALongOneAreNotRepeatedInChunksThatAddNothing() {
        String text = "a b\nc d\ne f\ng h\n" + "x ".repeat(120) + "\nafter\n";

        List<Chunker.Chunk> chunks = Chunker.chunks(text, WORDS, 116);

        assertThat(ranges(chunks)).containsExactly(List.of(1, 4), List.of(5, 5), List.of(6, 6));
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).endLine())
                    .as("adds a line")
                    .isGreaterThan(chunks.get(i - 1).endLine());
        }
    }

    @Test
    void aChunkStopsBeforeItsTextWouldBeCutSoNoLineIsLostFromTheEmbedding() {
        String line = "  ".repeat(200) + "deep"; // 404 characters, one word piece
        List<Chunker.Chunk> chunks = Chunker.chunks((line + "\n").repeat(20), WORDS, 1_000);

        assertThat(chunks).allSatisfy(c -> assertThat(c.text()).endsWith("deep\n"));
        assertThat(chunks.get(chunks.size() - 1).endLine()).isEqualTo(20);
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).startLine())
                    .isLessThanOrEqualTo(chunks.get(i - 1).endLine() + 1);
        }
    }

    @Test
    void manyShortLinesStopAtTheLineLimitAndBlankStretchesAreSkipped() {
        List<Chunker.Chunk> chunks = Chunker.chunks(lines(100, 1), WORDS, 1_000);
        assertThat(chunks)
                .allSatisfy(c -> assertThat(c.endLine() - c.startLine() + 1).isLessThanOrEqualTo(Chunker.MAX_LINES));

        assertThat(Chunker.chunks("\n".repeat(50) + "int a;\n", WORDS, 1_000))
                .allSatisfy(c -> assertThat(c.text()).contains("int a;"));
        assertThat(Chunker.chunks("\n\n\n", WORDS, 10)).isEmpty();
    }

    @Test
    void aLongPathLeavesAtLeastTheMinimumBudget() {
        assertThat(Chunker.budget(10)).isEqualTo(LocalEmbeddings.MAX_TOKENS - 12);
        assertThat(Chunker.budget(500)).isEqualTo(Chunker.MIN_BUDGET);
    }

    /** Each chunk's first and last line. */
    private static List<List<Integer>> ranges(List<Chunker.Chunk> chunks) {
        return chunks.stream().map(c -> List.of(c.startLine(), c.endLine())).toList();
    }

    private static int words(Chunker.Chunk chunk) {
        return chunk.text().lines().mapToInt(WORDS).sum();
    }
}
