package dev.xpfleet.agent.dev.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where the model may write. Never outside the workspace, never git metadata, never through a
 * symbolic link, and never CI, workflow or build-wrapper files unless the repository's
 * {@code .fleet.yml} allows them (the controller, not the prompt, holds this line).
 */
public final class PathRules {

    /** Paths a change may only touch with the repository's explicit permission. */
    static final List<String> GUARDED_PREFIXES = List.of(
            ".github/workflows/",
            ".github/actions/",
            ".gitlab-ci",
            ".ci/",
            ".circleci/",
            ".mvn/wrapper/",
            ".fleet.yml");

    static final List<String> GUARDED_FILES = List.of("mvnw", "mvnw.cmd", "gradlew", "gradlew.bat", "Jenkinsfile");

    private final Path root;
    private final List<String> allowed;

    /**
     * @param root the workspace
     * @param allowed guarded prefixes the repository allows (from its {@code .fleet.yml})
     */
    public PathRules(Path root, List<String> allowed) {
        this.root = root.toAbsolutePath().normalize();
        this.allowed = List.copyOf(allowed);
    }

    /** The file a relative path names, for reading. */
    public Path readable(String path) throws RefusedException {
        return resolve(path);
    }

    /** The file a relative path names, for writing: every rule applies. */
    public Path writable(String path) throws RefusedException {
        Path target = resolve(path);
        String relative = root.relativize(target).toString().replace('\\', '/');
        String lower = relative.toLowerCase(Locale.ROOT);
        for (String guarded : GUARDED_PREFIXES) {
            if (lower.startsWith(guarded.toLowerCase(Locale.ROOT)) && !allowed.contains(guarded)) {
                throw new RefusedException(
                        "'" + relative + "' is a CI, workflow or fleet configuration file; the repository's"
                                + " .fleet.yml does not allow changing it");
            }
        }
        if (GUARDED_FILES.contains(relative) && !allowed.contains(relative)) {
            throw new RefusedException("'" + relative + "' is a build wrapper; changing it is not allowed");
        }
        for (Path p = target; p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new RefusedException("'" + relative + "' goes through a symbolic link");
            }
        }
        return target;
    }

    /** The path relative to the workspace, with forward slashes. */
    public String relative(Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private Path resolve(String path) throws RefusedException {
        if (path == null || path.isBlank()) {
            throw new RefusedException("a path is required");
        }
        String p = path.strip().replace('\\', '/');
        if (p.startsWith("/") || p.contains("\0") || p.startsWith("~")) {
            throw new RefusedException("'" + p + "' is not a path inside the repository (use a relative path)");
        }
        for (String segment : p.split("/")) {
            if (segment.equals("..")) {
                throw new RefusedException("'" + p + "' climbs out of the repository");
            }
            if (segment.equalsIgnoreCase(".git")) {
                throw new RefusedException("'" + p + "' is git metadata; it is never read or written");
            }
        }
        Path target = root.resolve(p).normalize();
        if (!target.startsWith(root)) {
            throw new RefusedException("'" + p + "' is outside the repository");
        }
        return target;
    }
}
