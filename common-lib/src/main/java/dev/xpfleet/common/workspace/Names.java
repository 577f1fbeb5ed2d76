package dev.xpfleet.common.workspace;

import java.util.regex.Pattern;

/**
 * Names that arrive in messages and requests and end up in paths, URLs and git commands: a
 * repository ({@code owner/name}, GitHub's characters, no {@code ..}) and a commit (an abbreviated
 * or full hex id, or {@code HEAD}). One rule for every agent and the orchestrator.
 */
public final class Names {

    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}|HEAD");

    private Names() {}

    public static boolean isRepository(String name) {
        return name != null && REPOSITORY.matcher(name).matches() && !name.contains("..");
    }

    public static boolean isCommit(String id) {
        return id != null && COMMIT.matcher(id).matches();
    }
}
