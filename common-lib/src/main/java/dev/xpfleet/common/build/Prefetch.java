package dev.xpfleet.common.build;

import dev.xpfleet.common.hash.Sha256;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxAccess;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.sandbox.SandboxResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dependency prefetch, the only sandboxed runs with the network. The repository's shared cache
 * is filled from the base tree only (it is on the default branch) and belongs to root between
 * those fills, so no change's code can plant anything in it for other tasks; a change that
 * touches the build files fetches into a private hard-linked copy, deleted after its verification.
 * A base prefetch that succeeded for the same build files is not repeated (the hash is recorded
 * beside the cache, where no sandboxed run can write).
 */
public final class Prefetch {

    private static final Logger log = LoggerFactory.getLogger(Prefetch.class);
    private static final int NOBODY = 65534;
    private static final Set<String> BUILD_FILES = Set.of(
            "pom.xml",
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
            "gradle-wrapper.properties",
            "maven-wrapper.properties",
            "extensions.xml",
            "package.json",
            "package-lock.json",
            "requirements.txt",
            "pyproject.toml",
            ".fleet.yml");

    /**
     * One prefetch run.
     *
     * @param outcome the sandbox's outcome, or SKIPPED when the same build files were fetched before
     * @param reason a sentence for a developer when it did not complete
     */
    public record Run(String outcome, int exitCode, long millis, long peakMemoryBytes, String reason) {}

    /**
     * @param run how it went, or null when nothing was run
     * @param failure why the prefetch did not complete (a limit, no sandbox), or null
     */
    public record Result(Run run, String failure) {}

    /**
     * What the offline runs use.
     *
     * @param cache the dependency cache they read
     * @param plan the plan with its commands pointing at that cache
     * @param scratch a private cache to delete when the verification ends, or null
     */
    public record Prepared(Path cache, BuildPlan plan, Path scratch, Result base, Result change) {}

    private final Sandbox sandbox;
    private final SandboxLimits limits;

    public Prefetch(Sandbox sandbox, SandboxLimits limits) {
        this.sandbox = sandbox;
        this.limits = limits;
    }

    /**
     * Fills the repository's shared cache from the base tree (trusted: it is on the default branch),
     * once per set of build files, and hands it back to root. No sandboxed run of a change can
     * write it.
     */
    public Result base(Path ws, BuildPlan plan, Path shared, String baseHash) throws IOException {
        Files.createDirectories(shared);
        if (plan.prefetch().isEmpty()) {
            return new Result(null, null);
        }
        Path marker = marker(shared, baseHash);
        boolean intoCache = plan.prefetch().stream().anyMatch(w -> w.contains(shared.toString()));
        if (!Integer.valueOf(0).equals(Files.getAttribute(shared, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
            giveToRoot(shared); // a cache an earlier version left to the sandbox user
        }
        // Dependencies fetched into the workspace (npm's node_modules) are gone with the last clone:
        // only a fill of the shared cache is worth remembering.
        if (intoCache && Files.exists(marker)) {
            return new Result(new Run("SKIPPED", 0, 0, 0, "the same build files were fetched before"), null);
        }
        Result result;
        try {
            result = run(
                    ws,
                    plan.prefetch(),
                    new SandboxAccess(true, List.of(shared), List.of()),
                    intoCache ? marker : null);
        } finally {
            giveToRoot(shared);
        }
        return result;
    }

    /**
     * For a change that touches the build files: its own prefetch into a private copy of the
     * shared cache (hard links to files that stay root's and read-only; directories the sandbox
     * may add to), so what it fetches, or plants, reaches no other task.
     */
    public Prepared change(Path ws, BuildPlan plan, Path shared, String baseHash, Result base) throws IOException {
        if (plan.prefetch().isEmpty() || buildFilesHash(ws).equals(baseHash)) {
            return new Prepared(shared, plan, null, base, null);
        }
        boolean usesCache = plan.prefetch().stream().anyMatch(w -> w.contains(shared.toString()));
        if (!usesCache) {
            // Dependencies land in the workspace itself (node_modules): nothing shared to protect.
            return new Prepared(
                    shared,
                    plan,
                    null,
                    base,
                    run(ws, plan.prefetch(), new SandboxAccess(true, List.of(), List.of()), null));
        }
        Path scratch = shared.resolveSibling(shared.getFileName() + ".change-" + java.util.UUID.randomUUID());
        linkCopy(shared, scratch);
        BuildPlan rebased = plan.withCache(shared, scratch);
        Result result = run(ws, rebased.prefetch(), new SandboxAccess(true, List.of(scratch), List.of(), false), null);
        return new Prepared(scratch, rebased, scratch, base, result);
    }

    private Result run(Path ws, List<String> command, SandboxAccess access, Path markerOnSuccess) throws IOException {
        SandboxResult result = sandbox.run(ws, command, limits, access);
        Run run = new Run(
                result.outcome().name(), result.exitCode(), result.millis(), result.peakMemoryBytes(), result.reason());
        if (result.outcome() != SandboxResult.Outcome.COMPLETED) {
            return new Result(run, "the dependency prefetch " + result.reason());
        }
        if (result.exitCode() == 0 && markerOnSuccess != null) {
            Files.createDirectories(markerOnSuccess.getParent());
            Files.writeString(markerOnSuccess, "");
        } else if (result.exitCode() != 0) {
            // A compile error surfaces again, with its reason, in the offline runs.
            log.info("Prefetch exited with {}", result.exitCode());
        }
        return new Result(run, null);
    }

    /** Removes a private cache copy (links and directories; the shared files stay). */
    public static void delete(Path scratch) throws IOException {
        if (scratch == null || !Files.exists(scratch, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(scratch)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Path marker(Path shared, String hash) {
        return shared.resolveSibling(shared.getFileName() + ".prefetched").resolve(hash);
    }

    /** Directories copied (and given to the sandbox user), files hard-linked (and left as they are). */
    private static void linkCopy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                    Files.setAttribute(target, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(target, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createLink(target, p);
                }
            }
        }
    }

    /** Everything in the shared cache back to root, so no later sandboxed run can change it. */
    private static void giveToRoot(Path shared) throws IOException {
        try (Stream<Path> walk = Files.walk(shared)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setAttribute(p, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /** SHA-256 over the paths and contents of every build file in the tree (links not followed). */
    public static String buildFilesHash(Path ws) throws IOException {
        MessageDigest digest = Sha256.digest();
        try (Stream<Path> walk = Files.walk(ws, 8)) {
            List<Path> files = walk.filter(
                            p -> BUILD_FILES.contains(p.getFileName().toString()))
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !ws.relativize(p).startsWith(".git")
                            && !ws.relativize(p).startsWith("node_modules"))
                    .sorted()
                    .toList();
            for (Path file : files) {
                digest.update(ws.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Files.readAllBytes(file));
                digest.update((byte) 0);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
