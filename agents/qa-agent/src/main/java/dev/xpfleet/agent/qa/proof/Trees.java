package dev.xpfleet.agent.qa.proof;

import dev.xpfleet.agent.qa.TreeFiles;
import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.change.TestPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The two trees the account of missing tests reads: the base commit, from git (the sandbox mounts
 * {@code .git} read-only, so no run can have changed it), and the changed tree: the base, with the
 * test files the change writes read right after it is applied, before any repository code runs (so
 * a test cannot rewrite what is read). Files larger than 2 MB or not UTF-8 read as absent.
 */
public final class Trees {

    static final int MAX_BYTES = 2_000_000;

    private Trees() {}

    /** The files of one tree. */
    public interface Tree {

        /** Paths of the tree's test files ({@link TestPaths#isTest}). */
        Set<String> testFiles();

        /** A file's lines, or null when the tree has no such readable text file. */
        List<String> lines(String path) throws IOException;
    }

    /** Reads one file of a tree. */
    private interface Reader {
        List<String> read(String path) throws IOException;
    }

    /** A tree whose files are each read once. */
    private static Tree cached(Set<String> testFiles, Reader reader) {
        Map<String, Optional<List<String>>> read = new HashMap<>();
        return new Tree() {
            @Override
            public Set<String> testFiles() {
                return testFiles;
            }

            @Override
            public List<String> lines(String path) throws IOException {
                Optional<List<String>> lines = read.get(path);
                if (lines == null) {
                    lines = Optional.ofNullable(reader.read(path));
                    read.put(path, lines);
                }
                return lines.orElse(null);
            }
        };
    }

    /** The tree of {@code commit} in the repository at {@code gitDir} (read only: no run can write it). */
    public static Tree commit(Path gitDir, String commit) throws IOException {
        Set<String> tests = new LinkedHashSet<>();
        ObjectId tree;
        try (Repository repo =
                        new FileRepositoryBuilder().setGitDir(gitDir.toFile()).build();
                RevWalk walk = new RevWalk(repo);
                TreeWalk files = new TreeWalk(repo)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(commit));
            tree = c.getTree().getId();
            files.addTree(tree);
            files.setRecursive(true);
            while (files.next()) {
                if (TestPaths.isTest(files.getPathString())) {
                    tests.add(files.getPathString());
                }
            }
        }
        return cached(Set.copyOf(tests), path -> {
            try (Repository repo = new FileRepositoryBuilder()
                            .setGitDir(gitDir.toFile())
                            .build();
                    TreeWalk found = TreeWalk.forPath(repo, path, tree)) {
                if (found == null
                        || !(found.getFileMode(0).equals(FileMode.REGULAR_FILE)
                                || found.getFileMode(0).equals(FileMode.EXECUTABLE_FILE))) {
                    return null;
                }
                return text(repo.open(found.getObjectId(0)).getCachedBytes(MAX_BYTES));
            } catch (LargeObjectException e) {
                return null;
            }
        });
    }

    /**
     * The tree {@code change} makes of {@code base}, read from the working tree at {@code dir} now,
     * right after the change is applied and before any repository code runs: the test files the
     * change writes are read at once; every other file is the base's.
     */
    public static Tree changed(Path dir, Tree base, ChangeSet change) throws IOException {
        Set<String> tests = new LinkedHashSet<>(base.testFiles());
        Map<String, List<String>> written = new HashMap<>();
        for (ChangeSet.FileChange file : change.files()) {
            if (!file.test()) {
                continue;
            }
            if (file.deleted()) {
                tests.remove(file.path());
                written.put(file.path(), null);
            } else {
                tests.add(file.path());
                written.put(file.path(), read(dir, file.path()));
            }
        }
        return cached(Set.copyOf(tests), path -> written.containsKey(path) ? written.get(path) : base.lines(path));
    }

    /** A file of the working tree, or null when it is outside it, reached through a link or too large. */
    private static List<String> read(Path dir, String path) throws IOException {
        Path file = TreeFiles.regular(dir, path, MAX_BYTES);
        return file == null ? null : text(Files.readAllBytes(file));
    }

    private static List<String> text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString()
                    .lines()
                    .toList();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
