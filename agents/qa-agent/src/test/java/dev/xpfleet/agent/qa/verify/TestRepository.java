package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;

/**
 * A small real git repository for the QA tests: a base commit from a map of files, and changes to it
 * as the unified diffs a developer agent would send.
 */
final class TestRepository {

    private final Path dir;
    private final Path root;
    final String baseCommit;

    private TestRepository(Path root, Path dir, String baseCommit) {
        this.root = root;
        this.dir = dir;
        this.baseCommit = baseCommit;
    }

    /** A repository whose only commit holds {@code files} (path -> content). */
    static TestRepository of(Path root, Map<String, String> files) throws Exception {
        return at(root, Files.createDirectories(root).resolve("repo-" + System.nanoTime()), files);
    }

    /** A repository in {@code dir}, with its workspaces under {@code root}. */
    static TestRepository at(Path root, Path dir, Map<String, String> files) throws Exception {
        try (Git git =
                Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            write(dir, files);
            git.add().addFilepattern(".").call();
            String commit = git.commit()
                    .setMessage("base")
                    .setAuthor("test", "test@localhost")
                    .setCommitter("test", "test@localhost")
                    .setSign(false)
                    .call()
                    .getName();
            return new TestRepository(root, dir, commit);
        }
    }

    String uri() {
        return dir.toUri().toString();
    }

    /** The diff that turns the base into the base plus {@code changes} (null content deletes). */
    String diff(Map<String, String> changes) throws Exception {
        try (Workspace ws = checkout()) {
            for (Map.Entry<String, String> change : changes.entrySet()) {
                Path file = ws.dir().resolve(change.getKey());
                if (change.getValue() == null) {
                    Files.delete(file);
                } else {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, change.getValue());
                }
            }
            return ws.diff().text();
        }
    }

    /** A fresh clone at the base commit, as the QA agent gets one. */
    Workspace checkout() throws Exception {
        return new Workspaces(root.resolve("workspaces")).cloneAt(uri(), baseCommit, null);
    }

    private static void write(Path dir, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
    }
}
