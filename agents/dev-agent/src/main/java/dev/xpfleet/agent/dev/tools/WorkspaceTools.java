package dev.xpfleet.agent.dev.tools;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The model's hands in the workspace: list, read (numbered lines, in ranges), search, edit by exact
 * search/replace, delete. Every path goes through {@link PathRules}; output is bounded so one call
 * cannot flood the context.
 */
public final class WorkspaceTools {

    static final int MAX_LIST = 400;
    static final int MAX_READ_LINES = 400;
    static final int MAX_HITS = 50;
    static final long MAX_FILE_BYTES = 1024 * 1024;

    private final Path root;
    private final PathRules rules;

    public WorkspaceTools(Path root, PathRules rules) {
        this.root = root.toAbsolutePath().normalize();
        this.rules = rules;
    }

    public PathRules rules() {
        return rules;
    }

    /** Files under a directory (the whole repository by default), git metadata left out. */
    public String list(String directory) throws RefusedException, IOException {
        Path dir = directory == null || directory.isBlank() ? root : rules.readable(directory);
        if (!Files.isDirectory(dir)) {
            throw new RefusedException("'" + directory + "' is not a directory");
        }
        List<String> files = files(dir);
        StringBuilder out = new StringBuilder();
        files.stream().limit(MAX_LIST).forEach(f -> out.append(f).append('\n'));
        if (files.size() > MAX_LIST) {
            out.append("... ").append(files.size() - MAX_LIST).append(" more; list a subdirectory\n");
        }
        return out.isEmpty() ? "(no files)\n" : out.toString();
    }

    /** Lines {@code from}..{@code to} (1-based, inclusive) with their numbers. */
    public String read(String path, int from, int to) throws RefusedException, IOException {
        List<String> lines = lines(rules.readable(path), path);
        int start = Math.max(1, from);
        int end = Math.min(lines.size(), to <= 0 ? start + MAX_READ_LINES - 1 : to);
        end = Math.min(end, start + MAX_READ_LINES - 1);
        StringBuilder out = new StringBuilder();
        for (int i = start; i <= end; i++) {
            out.append(i).append('\t').append(lines.get(i - 1)).append('\n');
        }
        if (end < lines.size()) {
            out.append("... ")
                    .append(lines.size() - end)
                    .append(" more lines; read from ")
                    .append(end + 1)
                    .append('\n');
        }
        return out.isEmpty() ? "(empty file)\n" : out.toString();
    }

    /** Lines holding {@code text} (literal, case-sensitive), as {@code path:line: content}. */
    public String search(String text) throws RefusedException, IOException {
        if (text == null || text.isEmpty()) {
            throw new RefusedException("search needs a non-empty \"text\"");
        }
        List<String> hits = new ArrayList<>();
        for (String file : files(root)) {
            List<String> lines;
            try {
                lines = lines(rules.readable(file), file);
            } catch (RefusedException e) {
                continue; // binary or too large
            }
            for (int i = 0; i < lines.size() && hits.size() <= MAX_HITS; i++) {
                if (lines.get(i).contains(text)) {
                    hits.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        if (hits.isEmpty()) {
            return "no match for '" + text + "'\n";
        }
        String shown = String.join("\n", hits.subList(0, Math.min(hits.size(), MAX_HITS))) + "\n";
        return hits.size() > MAX_HITS ? shown + "... more matches; search for something narrower\n" : shown;
    }

    /**
     * Applies one edit. The search text must occur exactly once (an empty one creates a new file);
     * otherwise the edit is refused with what was wrong, and the file is unchanged.
     */
    public String edit(Action.Edit edit) throws RefusedException, IOException {
        Path file = rules.writable(edit.path());
        String relative = rules.relative(file);
        if (edit.search().isEmpty()) {
            if (Files.exists(file)) {
                throw new RefusedException(relative + " exists already; an empty SEARCH only creates new files");
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, edit.replace(), StandardCharsets.UTF_8);
            return "created " + relative + "\n";
        }
        if (!Files.isRegularFile(file)) {
            throw new RefusedException(relative + " does not exist; create it with an empty SEARCH section");
        }
        String content = text(file, relative);
        String search = edit.search();
        String replace = edit.replace();
        String lineEnd = content.contains("\r\n") ? "\r\n" : "\n";
        if (lineEnd.equals("\r\n") && !search.contains("\r")) {
            // A file with Windows line ends: the model writes \n, the file keeps its own.
            search = search.replace("\n", "\r\n");
            replace = replace.replace("\n", "\r\n");
        }
        if (!content.contains(search)
                && search.endsWith(lineEnd)
                && !content.endsWith(lineEnd)
                && content.endsWith(search.substring(0, search.length() - lineEnd.length()))) {
            // The last line of a file without a final newline.
            search = search.substring(0, search.length() - lineEnd.length());
        }
        int at = content.indexOf(search);
        if (at < 0) {
            throw new RefusedException("the SEARCH text is not in " + relative
                    + " exactly as written (whitespace counts); read the file again and copy the lines");
        }
        if (content.indexOf(search, at + 1) >= 0) {
            throw new RefusedException(
                    "the SEARCH text occurs more than once in " + relative + "; include more lines to make it unique");
        }
        Files.writeString(
                file,
                content.substring(0, at) + replace + content.substring(at + search.length()),
                StandardCharsets.UTF_8);
        return "edited " + relative + "\n";
    }

    public String delete(String path) throws RefusedException, IOException {
        Path file = rules.writable(path);
        if (!Files.isRegularFile(file)) {
            throw new RefusedException("'" + path + "' is not a file");
        }
        Files.delete(file);
        return "deleted " + rules.relative(file) + "\n";
    }

    private List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            // Links are neither listed nor searched: they may point outside the workspace.
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(rules::relative)
                    .filter(f -> !f.equals(".git") && !f.startsWith(".git/") && !f.contains("/.git/"))
                    .sorted()
                    .toList();
        }
    }

    private static List<String> lines(Path file, String shown) throws RefusedException, IOException {
        return text(file, shown).lines().toList();
    }

    private static String text(Path file, String shown) throws RefusedException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new RefusedException("'" + shown + "' is not a file");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new RefusedException("'" + shown + "' is larger than 1 MB");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new RefusedException("'" + shown + "' is not UTF-8 text");
        }
    }
}
