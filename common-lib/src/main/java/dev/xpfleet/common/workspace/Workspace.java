package dev.xpfleet.common.workspace;

import dev.xpfleet.common.hash.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.patch.Patch;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * A repository checked out at a base commit in its own directory. Diffs applied to it are checked
 * first: they may touch only paths inside the working tree and never {@code .git/}.
 */
public final class Workspace implements AutoCloseable {

    private final Path dir;
    private final ObjectId base;
    private final Git git;

    Workspace(Path dir, ObjectId base, Git git) {
        this.dir = dir;
        this.base = base;
        this.git = git;
    }

    /** Opens an existing working tree (e.g. one restored from a snapshot) against a base commit. */
    public static Workspace open(Path dir, String baseCommit) throws WorkspaceException {
        try {
            Git git = Git.open(dir.toFile());
            ObjectId base = resolveCommit(git, baseCommit);
            if (base == null) {
                git.close();
                throw new WorkspaceException("commit " + baseCommit + " is not in the repository at " + dir);
            }
            return new Workspace(dir.toRealPath(), base, git);
        } catch (IOException e) {
            throw e instanceof WorkspaceException w ? w : new WorkspaceException("not a git working tree: " + dir, e);
        }
    }

    /** The commit a revision names, or null when the repository has no such commit. */
    static ObjectId resolveCommit(Git git, String revision) throws IOException {
        ObjectId id;
        try {
            id = git.getRepository().resolve(revision + "^{commit}");
        } catch (org.eclipse.jgit.errors.RevisionSyntaxException | org.eclipse.jgit.errors.MissingObjectException e) {
            return null;
        }
        // A full hex id resolves even when the object is absent: look it up.
        return id != null && git.getRepository().getObjectDatabase().has(id) ? id : null;
    }

    public Path dir() {
        return dir;
    }

    public String baseCommit() {
        return base.name();
    }

    /**
     * Applies a unified diff to the working tree.
     *
     * @throws WorkspaceException when the diff is malformed, touches a path outside the workspace
     *     or in {@code .git/}, or does not apply
     */
    public List<String> applyDiff(String diff) throws WorkspaceException {
        byte[] bytes = diff.getBytes(StandardCharsets.UTF_8);
        Patch patch = new Patch();
        try {
            patch.parse(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new WorkspaceException("unreadable diff: " + e.getMessage(), e);
        }
        if (!patch.getErrors().isEmpty()) {
            throw new WorkspaceException(
                    "malformed diff: " + patch.getErrors().get(0).getMessage());
        }
        if (patch.getFiles().isEmpty()) {
            throw new WorkspaceException("the diff touches no file");
        }
        for (FileHeader file : patch.getFiles()) {
            requireSafePath(file.getOldPath());
            requireSafePath(file.getNewPath());
        }
        try {
            return git.apply().setPatch(new ByteArrayInputStream(bytes)).call().getUpdatedFiles().stream()
                    .map(f -> dir.relativize(f.toPath().toAbsolutePath().normalize())
                            .toString())
                    .toList();
        } catch (GitAPIException | RuntimeException e) {
            throw new WorkspaceException("the diff does not apply: " + e.getMessage(), e);
        }
    }

    /**
     * Commits everything in the working tree (new, changed and deleted files) on top of the base.
     *
     * @return the new commit's id
     */
    public String commit(String message, String author, String email) throws WorkspaceException {
        try {
            git.add().addFilepattern(".").call();
            git.add().setUpdate(true).addFilepattern(".").call();
            return git.commit()
                    .setMessage(message)
                    .setAuthor(author, email)
                    .setCommitter(author, email)
                    .setSign(false)
                    .setAllowEmpty(false)
                    .call()
                    .getName();
        } catch (GitAPIException | RuntimeException e) {
            throw new WorkspaceException("cannot commit: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the working tree back to the base commit: tracked files reset, every untracked or
     * ignored file removed (build output, reports), except the top-level directories named in
     * {@code keep} (e.g. {@code node_modules}, fetched once for several runs).
     */
    public void reset(List<String> keep) throws WorkspaceException {
        try {
            git.reset()
                    .setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD)
                    .setRef(base.name())
                    .call();
            java.util.Set<String> untracked = git.clean()
                    .setDryRun(true)
                    .setIgnore(false)
                    .setCleanDirectories(true)
                    // also directories holding their own .git: a run must not leave one behind
                    .setForce(true)
                    .call();
            for (String path : untracked) {
                String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                if (keep.stream().noneMatch(k -> p.equals(k) || p.startsWith(k + "/"))) {
                    WorkspaceArchive.deleteTree(dir.resolve(p));
                }
            }
        } catch (GitAPIException | IOException | RuntimeException e) {
            throw new WorkspaceException("cannot reset " + dir + " to " + base.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes every file git ignores and the index does not hold (build output, caches, whatever a
     * run left where {@code .gitignore} or {@code .git/info/exclude} hides it), except under the
     * top-level directories named in {@code keep}. Files a change adds are in the index (see {@link
     * #diff()}), so they stay. Links are removed, never followed.
     *
     * @return the paths deleted
     */
    public List<String> deleteIgnored(List<String> keep) throws WorkspaceException {
        try {
            List<String> deleted = new ArrayList<>();
            for (String path : git.status().call().getIgnoredNotInIndex()) {
                String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                if (keep.stream().noneMatch(k -> p.equals(k) || p.startsWith(k + "/"))) {
                    WorkspaceArchive.deleteTree(dir.resolve(p));
                    deleted.add(p);
                }
            }
            return deleted;
        } catch (GitAPIException | IOException | RuntimeException e) {
            throw new WorkspaceException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The workspace's git directory, e.g. to push from. */
    public Path gitDir() {
        return dir.resolve(".git");
    }

    /** The working tree's change against the base commit, new and deleted files included. */
    public WorkspaceDiff diff() throws WorkspaceException {
        try {
            // Stage everything so new files appear; the index is this workspace's own.
            git.add().addFilepattern(".").call();
            git.add().setUpdate(true).addFilepattern(".").call();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<String> files = new ArrayList<>();
            try (ObjectReader reader = git.getRepository().newObjectReader();
                    RevWalk walk = new RevWalk(reader);
                    DiffFormatter formatter = new DiffFormatter(out)) {
                formatter.setRepository(git.getRepository());
                formatter.setAbbreviationLength(12);
                CanonicalTreeParser baseTree = new CanonicalTreeParser(
                        null, reader, walk.parseCommit(base).getTree());
                DirCacheIterator index =
                        new DirCacheIterator(git.getRepository().readDirCache());
                List<DiffEntry> entries = formatter.scan(baseTree, index);
                for (DiffEntry entry : entries) {
                    files.add(
                            entry.getChangeType() == DiffEntry.ChangeType.DELETE
                                    ? entry.getOldPath()
                                    : entry.getNewPath());
                }
                formatter.format(entries);
            }
            String text = out.toString(StandardCharsets.UTF_8);
            return new WorkspaceDiff(text, sha256(text), List.copyOf(files));
        } catch (GitAPIException | IOException e) {
            throw new WorkspaceException("cannot diff " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Closes the repository and deletes the working tree. */
    @Override
    public void close() throws IOException {
        git.close();
        WorkspaceArchive.deleteTree(dir);
    }

    private void requireSafePath(String path) throws WorkspaceException {
        if (path == null || path.equals(DiffEntry.DEV_NULL)) {
            return;
        }
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            throw new WorkspaceException("the diff names an absolute or unsafe path: '" + path + "'");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw new WorkspaceException("the diff climbs out of the workspace: '" + path + "'");
            }
            if (segment.equalsIgnoreCase(".git")) {
                throw new WorkspaceException("the diff touches git metadata: '" + path + "'");
            }
        }
        Path target = dir.resolve(path).normalize();
        for (Path p = target.getParent(); p != null && p.startsWith(dir) && !p.equals(dir); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new WorkspaceException("the diff writes through a link: '" + path + "'");
            }
        }
    }

    /** The patch hash of a diff's text, as {@link WorkspaceDiff#patchHash()} computes it. */
    public static String hashOf(String diff) {
        return sha256(diff);
    }

    static String sha256(String text) {
        return Sha256.hex(text);
    }
}
