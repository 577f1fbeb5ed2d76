package dev.xpfleet.agent.review.findings;

import dev.xpfleet.common.build.BuildDetector;
import dev.xpfleet.common.build.BuildPlan;
import dev.xpfleet.common.build.Prefetch;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxAccess;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.sandbox.SandboxResult;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceArchive;
import dev.xpfleet.common.workspace.WorkspaceException;
import dev.xpfleet.common.workspace.Workspaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build-level check of Java suggestions, for repositories Maven or Gradle builds: the changed
 * tree is compiled (main and test sources, offline, in the sandbox, against the repository's
 * dependency cache) with the suggestions applied. All of them together first, so one build clears
 * them when they are all fine; when that build fails, the change alone (a change that does not
 * compile here cannot judge a suggestion), then each suggestion alone, within a number of builds
 * per review. Nothing is built until a suggestion needs it; the dependency cache is filled from a
 * copy of the base tree, as the developer's and QA's are.
 */
public final class SuggestionBuild implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SuggestionBuild.class);
    static final String WITHHELD = "withheld: with it the change no longer compiles";

    /**
     * How the repository builds, read from the base tree before the change is applied.
     *
     * @param plan the base tree's build plan (Maven or Gradle)
     * @param cache the repository's dependency cache
     * @param baseBuildFiles the hash of the base tree's build files
     */
    public record Setup(BuildPlan plan, Path cache, String baseBuildFiles) {

        /** @return the setup, or null when the base tree is not a Maven or Gradle build */
        public static Setup read(Path base, Path cache) throws IOException {
            BuildPlan plan;
            try {
                plan = new BuildDetector().detect(base, cache);
            } catch (IllegalArgumentException e) {
                return null; // nothing to build, or a .fleet.yml the policy reports on
            }
            if (plan.tool() != BuildPlan.Tool.MAVEN && plan.tool() != BuildPlan.Tool.GRADLE) {
                return null;
            }
            return new Setup(plan, cache, Prefetch.buildFilesHash(base));
        }
    }

    private final Workspace workspace;
    private final Setup setup;
    private final Sandbox sandbox;
    private final SandboxLimits limits;
    private final int maxBuilds;
    private final Path scratchRoot;
    private Prefetch.Prepared prepared;
    private String unavailable;
    private int builds;

    /**
     * @param workspace the changed tree
     * @param setup from the base tree, or null (then nothing is built and suggestions stay parse-checked)
     * @param sandbox null when there is none (nothing is built)
     * @param maxBuilds the most compilations per review; 0 turns the check off
     * @param scratchRoot where the base copy for the dependency prefetch is made
     */
    public SuggestionBuild(
            Workspace workspace, Setup setup, Sandbox sandbox, SandboxLimits limits, int maxBuilds, Path scratchRoot) {
        this.workspace = workspace;
        this.setup = setup;
        this.sandbox = sandbox;
        this.limits = limits;
        this.maxBuilds = maxBuilds;
        this.scratchRoot = scratchRoot;
    }

    /**
     * @param candidates findings whose suggestion parses, each on a Java file of the change
     * @return for each candidate in order: null when the change compiles with it, else why it is
     *     withheld (starting with "withheld") or was not built
     */
    public List<String> check(List<Finding> candidates) throws IOException {
        List<String> notes = new ArrayList<>(java.util.Collections.nCopies(candidates.size(), null));
        if (candidates.isEmpty() || setup == null || maxBuilds == 0) {
            return notes;
        }
        if (sandbox == null) {
            return fill(notes, "not built: no sandbox here");
        }
        String notReady = prepare();
        if (notReady != null) {
            return fill(notes, "not built: " + notReady);
        }
        boolean togetherFailed = false;
        if (!sameLineTwice(candidates)) {
            if (compile(candidates) == null) {
                return notes;
            }
            togetherFailed = true;
        }
        String alone = builds < maxBuilds ? compile(List.of()) : "the build limit was reached";
        if (alone != null) {
            return fill(notes, "not built: the change does not compile here without the suggestions (" + alone + ")");
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (builds >= maxBuilds) {
                // Known to break the build together with the others, and not cleared alone.
                notes.set(
                        i,
                        togetherFailed
                                ? "withheld: the suggestions together do not compile, and the " + maxBuilds
                                        + " builds per review ran out before this one was built alone"
                                : "not built: " + maxBuilds + " builds per review were used");
                continue;
            }
            String error = compile(List.of(candidates.get(i)));
            notes.set(i, error == null ? null : WITHHELD + " (" + error + ")");
        }
        return notes;
    }

    /** The dependency cache, once: filled from a copy of the base tree, then the change's own if its build files differ. */
    private String prepare() throws IOException {
        if (prepared != null || unavailable != null) {
            return unavailable;
        }
        Prefetch prefetch = new Prefetch(sandbox, limits);
        Prefetch.Result base;
        try (Workspace copy =
                new Workspaces(scratchRoot).cloneAt(workspace.dir().toUri().toString(), workspace.baseCommit(), null)) {
            base = prefetch.base(copy.dir(), setup.plan(), setup.cache(), setup.baseBuildFiles());
        } catch (WorkspaceException e) {
            unavailable = "the base tree could not be copied for the dependency prefetch (" + e.getMessage() + ")";
            return unavailable;
        }
        if (base.failure() != null) {
            unavailable = base.failure();
            return unavailable;
        }
        prepared = prefetch.change(workspace.dir(), setup.plan(), setup.cache(), setup.baseBuildFiles(), base);
        if (prepared.change() != null && prepared.change().failure() != null) {
            unavailable = prepared.change().failure();
        }
        return unavailable;
    }

    /** Compiles with {@code suggestions} applied, then puts every file back. @return null, or the first error */
    private String compile(List<Finding> suggestions) throws IOException {
        builds++;
        Map<Path, byte[]> originals = new LinkedHashMap<>();
        try {
            // From the bottom of each file up, so a suggestion of several lines moves no other.
            List<Finding> ordered = suggestions.stream()
                    .sorted(java.util.Comparator.comparing(Finding::file)
                            .thenComparing(Finding::line, java.util.Comparator.reverseOrder()))
                    .toList();
            for (Finding f : ordered) {
                Path file = workspace.dir().resolve(f.file()).normalize();
                if (originals.computeIfAbsent(file, SuggestionBuild::read) == null) {
                    return "cannot read " + f.file();
                }
                String current = Files.readString(file, StandardCharsets.UTF_8);
                Files.writeString(
                        file, SuggestionCheck.applied(current, f.line(), f.suggestion()), StandardCharsets.UTF_8);
            }
            deleteOutput();
            SandboxResult result = sandbox.run(workspace.dir(), command(), limits, access());
            if (result.outcome() != SandboxResult.Outcome.COMPLETED) {
                return "the build " + result.reason();
            }
            return result.exitCode() == 0 ? null : firstError(result.output());
        } finally {
            for (Map.Entry<Path, byte[]> e : originals.entrySet()) {
                if (e.getValue() != null) {
                    Files.write(e.getKey(), e.getValue());
                }
            }
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Compile main and test sources, offline, with the cache the runs read. */
    List<String> command() {
        BuildPlan plan = prepared.plan();
        if (plan.tool() == BuildPlan.Tool.GRADLE) {
            return List.of("./gradlew", "--no-daemon", "--offline", "-q", "testClasses");
        }
        List<String> words = new ArrayList<>(List.of(plan.test().get(0), "-B", "-o", "-q"));
        plan.test().stream().filter(w -> w.startsWith("-Dmaven.repo.local=")).forEach(words::add);
        words.add("test-compile");
        return words;
    }

    private SandboxAccess access() {
        Path cache = prepared.cache();
        return Files.isDirectory(cache) ? SandboxAccess.reading(cache) : SandboxAccess.OFFLINE;
    }

    /** What an earlier build left (Maven's {@code target/}, Gradle's {@code build/} beside a build file). */
    private void deleteOutput() throws IOException {
        Set<Path> outputs = new HashSet<>();
        try (Stream<Path> walk = Files.walk(workspace.dir(), 8)) {
            walk.filter(p -> !workspace.dir().relativize(p).startsWith(".git"))
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(p -> {
                        String name = p.getFileName().toString();
                        if (name.equals("pom.xml")) {
                            outputs.add(p.resolveSibling("target"));
                        } else if (name.equals("build.gradle") || name.equals("build.gradle.kts")) {
                            outputs.add(p.resolveSibling("build"));
                        }
                    });
        }
        for (Path out : outputs) {
            if (Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
                WorkspaceArchive.deleteTree(out);
            }
        }
    }

    /** The compiler's first error, with the workspace's path taken out; else the output's last line. */
    String firstError(String output) {
        String text = output == null ? "" : output.replace(workspace.dir() + "/", "");
        List<String> lines =
                text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String line = lines.stream()
                .filter(l -> l.contains(".java:") && (l.contains("ERROR") || l.contains("error:")))
                .findFirst()
                .orElse(lines.isEmpty() ? "the build failed" : lines.get(lines.size() - 1));
        line = line.replaceFirst("^\\[ERROR\\]\\s*", "");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static boolean sameLineTwice(List<Finding> candidates) {
        Map<String, Integer> seen = new HashMap<>();
        for (Finding f : candidates) {
            if (seen.merge(f.file() + ":" + f.line(), 1, Integer::sum) > 1) {
                return true;
            }
        }
        return false;
    }

    private static List<String> fill(List<String> notes, String note) {
        java.util.Collections.fill(notes, note);
        return notes;
    }

    /** How many compilations this review ran. */
    public int builds() {
        return builds;
    }

    /** Removes the change's private dependency cache, if its build files needed one. */
    @Override
    public void close() throws IOException {
        if (prepared != null && prepared.scratch() != null) {
            Prefetch.delete(prepared.scratch());
        }
        if (builds > 0) {
            log.info("Suggestion build check: {} build(s)", builds);
        }
    }
}
