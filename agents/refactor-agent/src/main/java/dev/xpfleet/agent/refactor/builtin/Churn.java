package dev.xpfleet.agent.refactor.builtin;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;

/**
 * From the repository's history (the newest {@value #MAX_COMMITS} commits of the checked-out
 * line): how many commits changed each file, and when each file first appears in that history.
 */
final class Churn {

    static final int MAX_COMMITS = 500;

    record History(Map<String, Integer> commits, Map<String, Instant> firstSeen) {}

    private Churn() {}

    static History of(Git git) throws IOException, GitAPIException {
        Map<String, Integer> commits = new HashMap<>();
        Map<String, Instant> firstSeen = new HashMap<>();
        try (ObjectReader reader = git.getRepository().newObjectReader()) {
            for (RevCommit commit : git.log().setMaxCount(MAX_COMMITS).call()) {
                var next = new CanonicalTreeParser(null, reader, commit.getTree());
                var before = commit.getParentCount() == 0
                        ? new EmptyTreeIterator()
                        : new CanonicalTreeParser(
                                null,
                                reader,
                                git.getRepository()
                                        .parseCommit(commit.getParent(0))
                                        .getTree());
                Instant when = commit.getAuthorIdent().getWhenAsInstant();
                for (DiffEntry change :
                        git.diff().setOldTree(before).setNewTree(next).call()) {
                    String path = change.getChangeType() == DiffEntry.ChangeType.DELETE
                            ? change.getOldPath()
                            : change.getNewPath();
                    commits.merge(path, 1, Integer::sum);
                    // The log runs newest first: the last time seen is the earliest.
                    firstSeen.put(path, when);
                }
            }
        }
        return new History(commits, firstSeen);
    }
}
