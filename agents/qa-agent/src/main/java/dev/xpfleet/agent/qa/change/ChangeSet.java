package dev.xpfleet.agent.qa.change;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
     */
    public record FileChange(String path, boolean deleted, boolean test, Set<Integer> addedLines) {

        public FileChange {
            addedLines = Collections.unmodifiableSet(new TreeSet<>(addedLines));
        }
    }

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
            files.add(new FileChange(path, deleted, TestPaths.isTest(path), added));
        }
        return new ChangeSet(bytes, List.copyOf(files), List.copyOf(patch.getFiles()));
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
