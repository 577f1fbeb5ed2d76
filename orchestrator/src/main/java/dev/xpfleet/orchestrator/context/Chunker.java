package dev.xpfleet.orchestrator.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Splits a text file into windows of whole lines that fit what the embedding model reads (its
 * path line included), overlapping a little, and decides which files are worth indexing at all.
 * Sized by the model's word pieces, not by lines: a fixed number of lines would be cut by the model
 * and its tail never embedded.
 */
final class Chunker {

    /** No chunk is longer than this, however short its lines. */
    static final int MAX_LINES = 40;
    /** The smallest budget a chunk gets, however long its path. */
    static final int MIN_BUDGET = 32;
    /** A chunk repeats at most this many of its predecessor's last lines... */
    static final int MAX_OVERLAP_LINES = 3;
    /** ...and at most this share of its budget in word pieces. */
    static final int OVERLAP_SHARE = 8;

    static final int MAX_FILE_BYTES = 512 * 1024;
    private static final int MAX_CHUNK_CHARS = 2_000;

    private static final Set<String> EXTENSIONS = Set.of(
            "java",
            "kt",
            "kts",
            "scala",
            "groovy",
            "py",
            "js",
            "jsx",
            "ts",
            "tsx",
            "go",
            "rs",
            "rb",
            "php",
            "cs",
            "c",
            "h",
            "cc",
            "cpp",
            "hpp",
            "swift",
            "m",
            "sql",
            "sh",
            "bash",
            "md",
            "adoc",
            "txt",
            "xml",
            "yml",
            "yaml",
            "toml",
            "properties",
            "gradle",
            "html",
            "css",
            "proto",
            "graphql");

    record Chunk(int startLine, int endLine, String text) {}

    private Chunker() {}

    static boolean wanted(String path, long size) {
        if (size > MAX_FILE_BYTES) {
            return false;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.equals("Dockerfile") || name.equals("Makefile")) {
            return true;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Null-byte files are binary; they are skipped. */
    static boolean isText(byte[] content) {
        int limit = Math.min(content.length, 8_000);
        for (int i = 0; i < limit; i++) {
            if (content[i] == 0) {
                return false;
            }
        }
        return true;
    }

    /** The word pieces left for a chunk's lines once the path line is in. */
    static int budget(int pathTokens) {
        return Math.max(MIN_BUDGET, LocalEmbeddings.MAX_TOKENS - 2 - pathTokens);
    }

    /**
     * @param tokens the word pieces of one line (lines never share one: the model's tokenizer
     *     splits on whitespace first)
     * @param budget the word pieces a chunk's lines may have together; a longer line is a chunk of
     *     its own, cut by the model
     */
    static List<Chunk> chunks(String text, ToIntFunction<String> tokens, int budget) {
        String[] lines = text.split("\n", -1);
        int count = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
        int[] cost = new int[count];
        for (int i = 0; i < count; i++) {
            cost[i] = lines[i].isBlank() ? 0 : tokens.applyAsInt(lines[i]);
        }
        List<Chunk> chunks = new ArrayList<>();
        int start = 0;
        while (start < count) {
            int end = start;
            int used = 0;
            int chars = 0;
            while (end < count
                    && end - start < MAX_LINES
                    && (end == start
                            || (used + cost[end] <= budget && chars + lines[end].length() < MAX_CHUNK_CHARS))) {
                chars += lines[end].length() + 1;
                used += cost[end++];
            }
            StringBuilder s = new StringBuilder();
            for (int i = start; i < end; i++) {
                s.append(lines[i]).append('\n');
            }
            String body = s.toString();
            if (!body.isBlank()) {
                chunks.add(new Chunk(
                        start + 1, end, body.length() > MAX_CHUNK_CHARS ? body.substring(0, MAX_CHUNK_CHARS) : body));
            }
            if (end == count) {
                break;
            }
            // Repeat a few of this chunk's last lines, only when the next line still fits after them
            // (else the next chunk would hold nothing new).
            int next = end;
            int repeated = 0;
            int repeatedChars = lines[end].length();
            while (next - 1 > start
                    && end - (next - 1) <= MAX_OVERLAP_LINES
                    && repeated + cost[next - 1] <= budget / OVERLAP_SHARE
                    && repeated + cost[next - 1] + cost[end] <= budget
                    && repeatedChars + lines[next - 1].length() + 1 < MAX_CHUNK_CHARS) {
                repeatedChars += lines[next - 1].length() + 1;
                repeated += cost[--next];
            }
            start = next;
        }
        return chunks;
    }

    /** What the model reads: the path (names carry meaning) and the code. */
    static String embeddingText(String path, Chunk chunk) {
        return path + "\n" + chunk.text();
    }
}
