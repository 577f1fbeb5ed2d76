package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.agent.qa.build.BuildPlan;
import dev.xpfleet.agent.qa.sandbox.Sandbox;
import dev.xpfleet.agent.qa.sandbox.SandboxAccess;
import dev.xpfleet.agent.qa.sandbox.SandboxLimits;
import dev.xpfleet.agent.qa.sandbox.SandboxResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dependency prefetch: the one sandboxed run with the network, writing only the workspace and
 * the repository's dependency cache. Where the dependencies live in that cache (Maven), a prefetch
 * that succeeded for the same build files is not repeated: the hash of the build files is recorded
 * beside the cache, where the sandboxed build cannot write.
 */
final class Prefetch {

    private static final Logger log = LoggerFactory.getLogger(Prefetch.class);
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
     * @param run how it went, or null when nothing was run
     * @param failure why the prefetch did not complete (a limit, no sandbox), or null
     */
    record Result(QaReport.Run run, String failure) {}

    private final Sandbox sandbox;
    private final SandboxLimits limits;

    Prefetch(Sandbox sandbox, SandboxLimits limits) {
        this.sandbox = sandbox;
        this.limits = limits;
    }

    Result fetch(Path ws, BuildPlan plan, Path cache) throws IOException {
        Files.createDirectories(cache);
        if (plan.prefetch().isEmpty()) {
            return new Result(null, null);
        }
        Path marker = cache.resolveSibling(cache.getFileName() + ".prefetched").resolve(buildFilesHash(ws));
        boolean cached = plan.tool() == BuildPlan.Tool.MAVEN;
        if (cached && Files.exists(marker)) {
            return new Result(
                    new QaReport.Run("SKIPPED", 0, 0, 0, 0, "the same build files were fetched before"), null);
        }
        SandboxResult result =
                sandbox.run(ws, plan.prefetch(), limits, new SandboxAccess(true, List.of(cache), List.of()));
        QaReport.Run run = new QaReport.Run(
                result.outcome().name(),
                result.exitCode(),
                result.millis(),
                result.peakMemoryBytes(),
                0,
                result.reason());
        if (result.outcome() != SandboxResult.Outcome.COMPLETED) {
            return new Result(run, "the dependency prefetch " + result.reason());
        }
        if (result.exitCode() == 0 && cached) {
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, "");
        } else if (result.exitCode() != 0) {
            // A compile error surfaces again, with its reason, in the offline runs.
            log.info("Prefetch exited with {}", result.exitCode());
        }
        return new Result(run, null);
    }

    /** SHA-256 over the paths and contents of every build file in the tree (links not followed). */
    static String buildFilesHash(Path ws) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
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
