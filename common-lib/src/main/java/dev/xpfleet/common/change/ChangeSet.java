package dev.xpfleet.common.change;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.patch.HunkHeader;
import org.eclipse.jgit.patch.Patch;

/**
 * A unified diff read for QA: per file, the lines the change adds (numbered in the new file) and
 * whether the file is a test; and the part of the diff that touches only tests, to run the new
 * tests against the unchanged production code.
 */
public final class ChangeSet {

    /**
     * @param path the file's path after the change (before it, for a deletion)
     * @param deleted whether the change removes the file
     * @param test whether the file holds tests ({@link TestPaths})
     * @param addedLines line numbers, in the changed file, of every added or modified line
     * @param addedText those lines' text, by line number, as the diff carries them
     */
    public record FileChange(
            String path, boolean deleted, boolean test, Set<Integer> addedLines, Map<Integer, String> addedText) {

        public FileChange {
            addedLines = Collections.unmodifiableSet(new TreeSet<>(addedLines));
            addedText = Collections.unmodifiableMap(new TreeMap<>(addedText));
        }
    }

    private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,\\d+)? \\+(\\d+)");
    private final byte[] diff;
    private final List<FileChange> files;
    private final List<FileHeader> headers;

    private ChangeSet(byte[] diff, List<FileChange> files, List<FileHeader> headers) {
        this.diff = diff;
        this.files = files;
        this.headers = headers;
    }

    /** @throws IllegalArgumentException when the text is not a unified diff that touches a file */
    public static ChangeSet parse(String diffText) {
        byte[] bytes = diffText.getBytes(StandardCharsets.UTF_8);
        Patch patch = new Patch();
        try {
            patch.parse(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable diff: " + e.getMessage(), e);
        }
        if (!patch.getErrors().isEmpty()) {
            throw new IllegalArgumentException(
                    "malformed diff: " + patch.getErrors().get(0).getMessage());
        }
        if (patch.getFiles().isEmpty()) {
            throw new IllegalArgumentException("the diff touches no file");
        }
        List<FileChange> files = new ArrayList<>();
        for (FileHeader file : patch.getFiles()) {
            boolean deleted = file.getChangeType() == DiffEntry.ChangeType.DELETE;
            String path = deleted ? file.getOldPath() : file.getNewPath();
            Set<Integer> added = new TreeSet<>();
            if (!deleted) {
                for (HunkHeader hunk : file.getHunks()) {
                    for (Edit edit : hunk.toEditList()) {
                        for (int line = edit.getBeginB(); line < edit.getEndB(); line++) {
                            added.add(line + 1);
                        }
                    }
                }
            }
            Map<Integer, String> text = deleted
                    ? Map.of()
                    : addedText(new String(
                            bytes,
                            file.getStartOffset(),
                            file.getEndOffset() - file.getStartOffset(),
                            StandardCharsets.UTF_8));
            files.add(new FileChange(path, deleted, TestPaths.isTest(path), added, text));
        }
        return new ChangeSet(bytes, List.copyOf(files), List.copyOf(patch.getFiles()));
    }

    /** The added lines of one file's section of a unified diff, by their number in the new file. */
    static Map<Integer, String> addedText(String section) {
        Map<Integer, String> added = new TreeMap<>();
        int line = -1;
        for (String row : section.split("\n", -1)) {
            if (row.startsWith("@@")) {
                Matcher m = HUNK.matcher(row);
                line = m.find() ? Integer.parseInt(m.group(1)) : -1;
            } else if (line < 0 || row.startsWith("+++") || row.startsWith("---")) {
                continue;
            } else if (row.startsWith("+")) {
                added.put(line++, row.substring(1));
            } else if (row.startsWith(" ")) {
                line++;
            }
        }
        return added;
    }

    public List<FileChange> files() {
        return files;
    }

    public List<FileChange> tests() {
        return files.stream().filter(FileChange::test).toList();
    }

    public List<FileChange> production() {
        return files.stream().filter(f -> !f.test()).toList();
    }

    /** The file's change, or null when the diff does not touch it. */
    public FileChange file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst().orElse(null);
    }

    /** Lines {@code first} to {@code last} of a changed file, both included. */
    public record LineRange(int first, int last) {

        public boolean contains(int line) {
            return line >= first && line <= last;
        }
    }

    /**
     * The lines of the changed file that the diff's hunks show (added and context lines): where a
     * review may comment. Empty for a file the diff does not touch or deletes.
     */
    public List<LineRange> hunks(String path) {
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).path().equals(path) && !files.get(i).deleted()) {
                List<LineRange> ranges = new ArrayList<>();
                for (HunkHeader hunk : headers.get(i).getHunks()) {
                    if (hunk.getNewLineCount() > 0) {
                        ranges.add(new LineRange(
                                hunk.getNewStartLine(), hunk.getNewStartLine() + hunk.getNewLineCount() - 1));
                    }
                }
                return List.copyOf(ranges);
            }
        }
        return List.of();
    }

    /**
     * One place where a file changes: a run of removed lines and the run of added lines that replaces
     * them (either may be empty), as the diff shows them.
     *
     * @param oldPath the file's path before the change (null for a new file)
     * @param path the file's path after it (null for a deleted file)
     * @param removedFrom the first removed line's number in the base file
     * @param removed the removed lines' text
     * @param addedFrom the first added line's number in the changed file
     * @param added the added lines' text
     */
    public record Region(
            String oldPath, String path, int removedFrom, List<String> removed, int addedFrom, List<String> added) {

        public Region {
            removed = List.copyOf(removed);
            added = List.copyOf(added);
        }
    }

    /** Every region of every file, in the diff's order. */
    public List<Region> regions() {
        List<Region> regions = new ArrayList<>();
        for (FileHeader header : headers) {
            String oldPath = header.getChangeType() == DiffEntry.ChangeType.ADD ? null : header.getOldPath();
            String newPath = header.getChangeType() == DiffEntry.ChangeType.DELETE ? null : header.getNewPath();
            String section = new String(
                    diff,
                    header.getStartOffset(),
                    header.getEndOffset() - header.getStartOffset(),
                    StandardCharsets.UTF_8);
            regions.addAll(regions(oldPath, newPath, section));
        }
        return regions;
    }

    /** A file renamed or copied by the change: its old path, else null. */
    public String oldPath(String path) {
        for (FileHeader header : headers) {
            if (path.equals(header.getNewPath())
                    && (header.getChangeType() == DiffEntry.ChangeType.RENAME
                            || header.getChangeType() == DiffEntry.ChangeType.COPY)) {
                return header.getOldPath();
            }
        }
        return null;
    }

    private static final Pattern BOTH = Pattern.compile("^@@ -(\\d+)(?:,\\d+)? \\+(\\d+)");

    static List<Region> regions(String oldPath, String path, String section) {
        List<Region> regions = new ArrayList<>();
        int oldLine = -1;
        int newLine = -1;
        List<String> removed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        int removedFrom = 0;
        int addedFrom = 0;
        for (String row : section.split("\n", -1)) {
            if (row.startsWith("\\")) {
                continue; // "\ No newline at end of file" belongs to the line before it
            }
            // Past the first @@ every row is a hunk's: a removed "-- comment" is "--- comment".
            boolean minus = oldLine >= 0 && row.startsWith("-");
            boolean plus = oldLine >= 0 && row.startsWith("+");
            if (!minus && !plus && (!removed.isEmpty() || !added.isEmpty())) {
                regions.add(new Region(oldPath, path, removedFrom, removed, addedFrom, added));
                removed = new ArrayList<>();
                added = new ArrayList<>();
            }
            if (row.startsWith("@@")) {
                Matcher m = BOTH.matcher(row);
                oldLine = m.find() ? Integer.parseInt(m.group(1)) : -1;
                newLine = oldLine >= 0 ? Integer.parseInt(m.group(2)) : -1;
            } else if (minus) {
                if (removed.isEmpty() && added.isEmpty()) {
                    removedFrom = oldLine;
                    addedFrom = newLine;
                }
                removed.add(row.substring(1));
                oldLine++;
            } else if (plus) {
                if (removed.isEmpty() && added.isEmpty()) {
                    removedFrom = oldLine;
                    addedFrom = newLine;
                }
                added.add(row.substring(1));
                newLine++;
            } else if (oldLine >= 0 && row.startsWith(" ")) {
                oldLine++;
                newLine++;
            }
        }
        if (!removed.isEmpty() || !added.isEmpty()) {
            regions.add(new Region(oldPath, path, removedFrom, removed, addedFrom, added));
        }
        return regions;
    }

    /** The diff of the test files only (empty when the change touches no test). */
    public String testsOnlyDiff() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < headers.size(); i++) {
            if (files.get(i).test()) {
                FileHeader header = headers.get(i);
                out.append(new String(
                        diff,
                        header.getStartOffset(),
                        header.getEndOffset() - header.getStartOffset(),
                        StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }
}
