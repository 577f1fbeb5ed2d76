package dev.xpfleet.orchestrator.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits a text file into overlapping line windows small enough for the embedding model (which
 * reads at most 256 word pieces), and decides which files are worth indexing at all.
 */
final class Chunker {

    static final int LINES = 30;
    static final int OVERLAP = 5;
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

    static List<Chunk> chunks(String text) {
        String[] lines = text.split("\n", -1);
        int count = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
        List<Chunk> chunks = new ArrayList<>();
        for (int start = 0; start < count; start += LINES - OVERLAP) {
            int end = Math.min(count, start + LINES);
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
        }
        return chunks;
    }

    /** What the model reads: the path (names carry meaning) and the code. */
    static String embeddingText(String path, Chunk chunk) {
        return path + "\n" + chunk.text();
    }
}
