package dev.xpfleet.common.workspace;

import java.util.List;

/**
 * The change of a working tree against its base commit.
 *
 * @param text a unified diff (git format), applicable with {@link Workspace#applyDiff(String)}
 * @param patchHash SHA-256 of {@code text}: equal changes have equal hashes wherever they are made
 * @param files paths the diff touches
 */
public record WorkspaceDiff(String text, String patchHash, List<String> files) {

    public boolean isEmpty() {
        return text.isEmpty();
    }
}
