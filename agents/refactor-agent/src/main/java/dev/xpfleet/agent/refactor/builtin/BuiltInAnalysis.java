package dev.xpfleet.agent.refactor.builtin;

import dev.xpfleet.agent.refactor.rank.Hotspot;
import dev.xpfleet.common.change.TestPaths;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The debt source with no SonarQube: complexity and size rules on Java methods (parsed) and Python
 * functions (read by indentation and keywords: {@link PythonMetrics}), file length and copied code
 * in every source file, and churn from the git history. No code of the repository runs. Test files and
 * the paths a repository leaves alone are not looked at. The thresholds are SonarQube's and
 * Checkstyle's defaults, so the two sources report the same kind of hotspots.
 */
public final class BuiltInAnalysis {

    static final int MAX_COMPLEXITY = 10;
    static final int MAX_METHOD_LINES = 60;
    static final int MAX_PARAMETERS = 7;
    static final int MAX_FILE_LINES = 750;
    static final long MAX_FILE_BYTES = 1024 * 1024;
    static final int MAX_FILES = 20_000;

    private static final Logger log = LoggerFactory.getLogger(BuiltInAnalysis.class);
    private static final Set<String> SOURCES = Set.of(
            "java", "kt", "scala", "groovy", "py", "js", "jsx", "ts", "tsx", "go", "rb", "cs", "php", "rs", "c", "cc",
            "cpp", "h");

    /**
     * @param hotspots the findings, in file order
     * @param measures {@code complexity}, {@code debtMinutes}, {@code duplicatedLines}, {@code files}, {@code lines}
     * @param history the churn
     */
    public record Result(
            List<Hotspot> hotspots,
            Map<String, Long> measures,
            Map<String, Integer> churn,
            Map<String, java.time.Instant> firstSeen,
            List<String> skipped) {}

    /**
     * @param exclude globs of paths to leave alone (the repository's {@code refactor: exclude:})
     */
    public Result analyse(Path tree, Git git, List<String> exclude) throws IOException {
        List<PathMatcher> excluded = exclude.stream()
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
                .toList();
        Map<String, String> sources = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path file : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .toList()) {
                String path = tree.relativize(file).toString().replace('\\', '/');
                if (path.startsWith(".git/")
                        || !isSource(path)
                        || TestPaths.isTest(path)
                        || excluded.stream().anyMatch(m -> m.matches(Path.of(path)))) {
                    continue;
                }
                if (Files.size(file) > MAX_FILE_BYTES || sources.size() >= MAX_FILES) {
                    skipped.add(path + ": too large to analyse");
                    continue;
                }
                try {
                    sources.put(path, Files.readString(file, StandardCharsets.UTF_8));
                } catch (MalformedInputException e) {
                    skipped.add(path + ": not UTF-8");
                }
            }
        }
        List<Hotspot> hotspots = new ArrayList<>();
        long complexity = 0;
        long lines = 0;
        for (Map.Entry<String, String> source : sources.entrySet()) {
            String path = source.getKey();
            int fileLines = (int) source.getValue().lines().count();
            lines += fileLines;
            if (path.endsWith(".java")) {
                try {
                    for (JavaMetrics.Method method : JavaMetrics.of(source.getValue())) {
                        complexity += method.complexity();
                        methodHotspots(path, "Methods", method, hotspots);
                    }
                } catch (IllegalArgumentException e) {
                    skipped.add(path + ": " + e.getMessage().lines().findFirst().orElse("does not parse"));
                }
            } else if (path.endsWith(".py")) {
                try {
                    for (JavaMetrics.Method function : PythonMetrics.of(source.getValue())) {
                        complexity += function.complexity();
                        methodHotspots(path, "Functions", function, hotspots);
                    }
                } catch (RuntimeException e) {
                    // A heuristic reading text: a file it cannot read is skipped, not the scan.
                    skipped.add(path + ": " + e);
                }
            }
            if (fileLines > MAX_FILE_LINES) {
                hotspots.add(new Hotspot(
                        "builtin:file-length",
                        "Files should not have too many lines (" + MAX_FILE_LINES + " at most)",
                        "size",
                        path,
                        0,
                        "The file has " + fileLines + " lines, more than the " + MAX_FILE_LINES + " allowed.",
                        "MAJOR",
                        60,
                        null));
            }
        }
        long duplicated = 0;
        for (Duplication.Copy copy : Duplication.find(sources)) {
            duplicated += copy.lines();
            hotspots.add(new Hotspot(
                    "builtin:duplication",
                    "Source code should not be copied (" + Duplication.MIN_LINES + " lines or more)",
                    "duplication",
                    copy.file(),
                    copy.line(),
                    copy.lines() + " lines here are the same as " + copy.originalFile() + " line " + copy.originalLine()
                            + ".",
                    "MAJOR",
                    10 + copy.lines() / 5,
                    null));
        }
        Churn.History history;
        try {
            history = Churn.of(git);
        } catch (GitAPIException | IOException | RuntimeException e) {
            log.info("The history could not be read for churn: {}", e.getMessage());
            skipped.add("history: " + e.getMessage());
            history = new Churn.History(Map.of(), Map.of());
        }
        Map<String, Long> measures = new LinkedHashMap<>();
        measures.put("complexity", complexity);
        measures.put(
                "debtMinutes", hotspots.stream().mapToLong(Hotspot::debtMinutes).sum());
        measures.put("duplicatedLines", duplicated);
        measures.put("files", (long) sources.size());
        measures.put("lines", lines);
        return new Result(hotspots, measures, history.commits(), history.firstSeen(), skipped);
    }

    /** @param kind how the language calls its callables, for the rule's name */
    private static void methodHotspots(String path, String kind, JavaMetrics.Method method, List<Hotspot> hotspots) {
        if (method.complexity() > MAX_COMPLEXITY) {
            hotspots.add(new Hotspot(
                    "builtin:method-complexity",
                    kind + " should not be too complex (cyclomatic complexity " + MAX_COMPLEXITY + " at most)",
                    "complexity",
                    path,
                    method.line(),
                    "The cyclomatic complexity of " + method.name() + " is " + method.complexity() + ", more than the "
                            + MAX_COMPLEXITY + " allowed.",
                    method.complexity() > 2 * MAX_COMPLEXITY ? "CRITICAL" : "MAJOR",
                    10 + method.complexity() - MAX_COMPLEXITY,
                    null));
        }
        if (method.lines() > MAX_METHOD_LINES) {
            hotspots.add(new Hotspot(
                    "builtin:method-length",
                    kind + " should not have too many lines (" + MAX_METHOD_LINES + " at most)",
                    "size",
                    path,
                    method.line(),
                    method.name() + " has " + method.lines() + " lines, more than the " + MAX_METHOD_LINES
                            + " allowed.",
                    "MAJOR",
                    20,
                    null));
        }
        if (method.parameters() > MAX_PARAMETERS) {
            hotspots.add(new Hotspot(
                    "builtin:parameter-count",
                    kind + " should not have too many parameters (" + MAX_PARAMETERS + " at most)",
                    "size",
                    path,
                    method.line(),
                    method.name() + " has " + method.parameters() + " parameters, more than the " + MAX_PARAMETERS
                            + " allowed.",
                    "MINOR",
                    15,
                    null));
        }
    }

    private static boolean isSource(String path) {
        int dot = path.lastIndexOf('.');
        return dot > path.lastIndexOf('/') && SOURCES.contains(path.substring(dot + 1));
    }
}
