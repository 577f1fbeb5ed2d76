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
            ".mvn/",
            "gradle/wrapper/",
            ".fleet.yml",
            ".fleet-dev/",
            ".gitmodules");

    /**
     * Build and test-runner configuration, by file name at any depth: a change to one can switch
     * tests off or run other code (pytest's addopts, an npm script, a pom plugin), so it needs the
     * repository's permission in {@code .fleet.yml} ({@code dev.allow-paths}).
     */
    static final List<String> BUILD_FILES = List.of(
            "pytest.ini",
            "tox.ini",
            "setup.cfg",
            "setup.py",
            "pyproject.toml",
            "noxfile.py",
            "sitecustomize.py",
            "usercustomize.py",
            "package.json",
            "package-lock.json",
            "npm-shrinkwrap.json",
            ".npmrc",
            "makefile",
            "gnumakefile",
            "pom.xml",
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
            "gradle.properties");

    /** Directories no change writes into: installed dependencies shadow the real ones. */
    static final List<String> DEPENDENCY_DIRS = List.of("node_modules", "site-packages", "__pypackages__");

    /** Build wrappers and CI entry points, by file name at any depth. */
    static final List<String> GUARDED_FILES = List.of("mvnw", "mvnw.cmd", "gradlew", "gradlew.bat", "jenkinsfile");

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

    /**
     * The file a relative path names, for reading: never through a symbolic link (a link written by
     * a command, or committed in the repository, could point at the agent's own secrets).
     */
    public Path readable(String path) throws RefusedException {
        Path target = resolve(path);
        noLinks(target, path);
        return target;
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
        String name = target.getFileName() == null
                ? ""
                : target.getFileName().toString().toLowerCase(Locale.ROOT);
        if (GUARDED_FILES.contains(name) && !allowed.contains(relative)) {
            throw new RefusedException("'" + relative + "' is a build wrapper; changing it is not allowed");
        }
        if ((BUILD_FILES.contains(name) || name.endsWith(".pth") || isRunnerConfig(name))
                && !allowed.contains(relative)) {
            throw new RefusedException("'" + relative + "' is build or test-runner configuration; the repository's"
                    + " .fleet.yml (dev.allow-paths) does not allow changing it");
        }
        for (String segment : relative.split("/")) {
            if (DEPENDENCY_DIRS.contains(segment.toLowerCase(Locale.ROOT))) {
                throw new RefusedException(
                        "'" + relative + "' is inside installed dependencies; they are never written");
            }
        }
        noLinks(target, relative);
        return target;
    }

    private static boolean isRunnerConfig(String name) {
        return name.matches(
                "(jest|vitest|vite|karma|playwright|cypress|babel)\\.config\\..*|\\.mocharc.*|\\.babelrc.*");
    }

    private void noLinks(Path target, String shown) throws RefusedException {
        for (Path p = target; p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new RefusedException("'" + shown + "' goes through a symbolic link");
            }
        }
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
