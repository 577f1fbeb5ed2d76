package dev.xpfleet.orchestrator.forge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ThreeWayMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** Bare git repositories under one root, {@code <root>/<owner>/<name>.git}, worked on with JGit. */
final class LocalRepositories {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");
    private static final Pattern BRANCH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    private static final PersonIdent FLEET = new PersonIdent("xp-fleet", "fleet@localhost");

    private final Path root;

    LocalRepositories(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path gitDir(String repository) {
        if (!NAME.matcher(repository).matches() || repository.contains("..")) {
            throw new IllegalArgumentException("repository must look like owner/name, got '" + repository + "'");
        }
        Path dir = root.resolve(repository + ".git").normalize();
        if (!dir.startsWith(root)) {
            throw new IllegalArgumentException("repository " + repository + " is outside the forge root");
        }
        return dir;
    }

    static String checkBranch(String branch) {
        if (branch == null || !BRANCH.matcher(branch).matches() || branch.contains("..") || branch.endsWith("/")) {
            throw new IllegalArgumentException("not a usable branch name: '" + branch + "'");
        }
        return branch;
    }

    /** A new empty bare repository whose default branch is {@code main}; an existing one is kept. */
    void create(String repository) {
        Path dir = gitDir(repository);
        if (Files.isDirectory(dir)) {
            return;
        }
        try (Git git = Git.init()
                .setBare(true)
                .setInitialBranch("main")
                .setGitDir(dir.toFile())
                .call()) {
            // created
        } catch (GitAPIException e) {
            throw new ForgeException("cannot create " + repository + ": " + e.getMessage(), e);
        }
    }

    /** A bare copy of another repository (a path or URL git understands). */
    void importFrom(String repository, String source) {
        Path dir = gitDir(repository);
        if (Files.isDirectory(dir)) {
            throw new ForgeException(repository + " exists already");
        }
        try (Git git = Git.cloneRepository()
                .setBare(true)
                .setURI(source)
                .setGitDir(dir.toFile())
                .call()) {
            // imported
        } catch (GitAPIException e) {
            throw new ForgeException("cannot import " + repository + " from " + source + ": " + e.getMessage(), e);
        }
    }

    Forge.RepositoryInfo info(String repository) {
        try (Repository repo = open(repository)) {
            String branch = repo.getBranch();
            ObjectId head = repo.resolve(Constants.R_HEADS + branch);
            return new Forge.RepositoryInfo(repository, branch, head == null ? null : head.getName());
        } catch (IOException e) {
            throw new ForgeException("cannot read " + repository + ": " + e.getMessage(), e);
        }
    }

    /** @return false when the branch already pointed at the commit */
    boolean push(String repository, String branch, Path sourceGitDir, String commit) {
        checkBranch(branch);
        Path target = gitDir(repository);
        try (Repository repo = open(repository)) {
            ObjectId current = repo.resolve(Constants.R_HEADS + branch);
            if (current != null && current.getName().equals(commit)) {
                return false;
            }
        } catch (IOException e) {
            throw new ForgeException("cannot read " + repository + ": " + e.getMessage(), e);
        }
        GitPush.push(sourceGitDir, target.toUri().toString(), branch, commit, null, true, repository);
        return true;
    }

    String head(String repository, String branch) {
        return branchHead(repository, branch)
                .orElseThrow(() -> new ForgeException(repository + " has no branch " + branch));
    }

    java.util.Optional<String> branchHead(String repository, String branch) {
        try (Repository repo = open(repository)) {
            ObjectId id = repo.resolve(Constants.R_HEADS + checkBranch(branch));
            return java.util.Optional.ofNullable(id).map(ObjectId::getName);
        } catch (IOException e) {
            throw new ForgeException("cannot read " + repository + ": " + e.getMessage(), e);
        }
    }

    /** The unified diff of {@code head} against its merge base with {@code base}. */
    String diff(String repository, String base, String head) {
        try (Repository repo = open(repository);
                RevWalk walk = new RevWalk(repo);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                DiffFormatter formatter = new DiffFormatter(out)) {
            RevCommit baseTip = walk.parseCommit(repo.resolve(Constants.R_HEADS + base));
            RevCommit tip = walk.parseCommit(ObjectId.fromString(head));
            walk.setRevFilter(RevFilter.MERGE_BASE);
            walk.markStart(baseTip);
            walk.markStart(tip);
            RevCommit mergeBase = walk.next();
            formatter.setRepository(repo);
            formatter.format(mergeBase == null ? null : mergeBase.getTree(), tip.getTree());
            formatter.flush();
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ForgeException("cannot diff " + head + " against " + base + " in " + repository, e);
        }
    }

    /**
     * Merges {@code head} into {@code base} without a working tree and moves {@code base}, only if it
     * is still where it was read (a concurrent change fails the merge instead of being overwritten).
     *
     * @return the new commit of {@code base}
     */
    String merge(String repository, String base, String head, Forge.MergeMethod method, String message) {
        try (Repository repo = open(repository);
                RevWalk walk = new RevWalk(repo);
                ObjectInserter inserter = repo.newObjectInserter()) {
            ObjectId baseId = repo.resolve(Constants.R_HEADS + base);
            RevCommit baseCommit = walk.parseCommit(baseId);
            RevCommit headCommit = walk.parseCommit(ObjectId.fromString(head));
            ThreeWayMerger merger = MergeStrategy.RECURSIVE.newMerger(repo, true);
            if (!merger.merge(baseCommit, headCommit)) {
                throw new ForgeException.MergeConflict(
                        "cannot merge " + head.substring(0, 12) + " into " + base + ": the changes conflict");
            }
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(merger.getResultTreeId());
            if (method == Forge.MergeMethod.SQUASH) {
                commit.setParentId(baseCommit);
            } else {
                commit.setParentIds(baseCommit, headCommit);
            }
            commit.setAuthor(FLEET);
            commit.setCommitter(FLEET);
            commit.setMessage(message);
            ObjectId merged = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repo.updateRef(Constants.R_HEADS + base);
            update.setExpectedOldObjectId(baseId);
            update.setNewObjectId(merged);
            RefUpdate.Result result = update.update(walk);
            if (result != RefUpdate.Result.FAST_FORWARD && result != RefUpdate.Result.NEW) {
                throw new ForgeException("cannot move " + base + " in " + repository + ": " + result);
            }
            return merged.getName();
        } catch (IOException e) {
            throw new ForgeException("cannot merge into " + base + " in " + repository + ": " + e.getMessage(), e);
        }
    }

    private Repository open(String repository) throws IOException {
        Path dir = gitDir(repository);
        if (!Files.isDirectory(dir)) {
            throw new ForgeException("no repository " + repository + " on the local forge");
        }
        return new FileRepositoryBuilder()
                .setGitDir(dir.toFile())
                .setMustExist(true)
                .build();
    }
}
