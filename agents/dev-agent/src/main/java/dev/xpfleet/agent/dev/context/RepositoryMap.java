package dev.xpfleet.agent.dev.context;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The model's first look at a repository, as Aider's repository map gives it: every file, ranked by
 * how much its path and its top-level declarations share with the issue, with the declarations of
 * the best-ranked files (read by a parser: JavaParser for Java, Python's own {@code ast} for
 * Python), cut to a budget of characters. Files past the budget are counted, not dropped silently.
 */
public final class RepositoryMap {

    static final int MAX_FILES = 20_000;
    static final int PARSED_FILES = 60;
    static final Set<String> SKIPPED_DIRS = Set.of(
            ".git",
            "node_modules",
            "target",
            "build",
            "dist",
            ".venv",
            "venv",
            "__pycache__",
            ".fleet-dev",
            ".gradle",
            ".idea",
            ".mvn");
    private static final Set<String> STOP_WORDS = Set.of(
            "the",
            "and",
            "for",
            "that",
            "this",
            "with",
            "should",
            "would",
            "could",
            "when",
            "from",
            "into",
            "have",
            "are",
            "was",
            "not",
            "but",
            "can",
            "all",
            "any",
            "its",
            "add",
            "use",
            "new",
            "file",
            "code",
            "test",
            "tests",
            "issue",
            "please",
            "need",
            "needs",
            "make",
            "returning",
            "return",
            "returns");

    private final JavaDeclarations java = new JavaDeclarations();
    private final Function<List<String>, Map<String, List<String>>> python;

    /** @param python declarations of Python files (relative paths), read in the sandbox */
    public RepositoryMap(Function<List<String>, Map<String, List<String>>> python) {
        this.python = python;
    }

    /** The map of {@code root} for an issue, at most {@code budgetChars} long. */
    public String render(Path root, String issue, int budgetChars) throws IOException {
        List<String> files = files(root);
        Set<String> terms = terms(issue);
        String lowerIssue = issue.toLowerCase(Locale.ROOT);
        Map<String, Integer> score = new HashMap<>();
        for (String file : files) {
            score.put(file, pathScore(file, terms, lowerIssue));
        }
        List<String> candidates = files.stream()
                .sorted(Comparator.comparing((String f) -> -score.get(f)).thenComparing(String::length))
                .limit(PARSED_FILES)
                .toList();
        Map<String, List<String>> declarations = declarations(root, candidates);
        declarations.forEach((file, decls) -> score.merge(file, 2 * matches(decls, terms), Integer::sum));
        List<String> ranked = files.stream()
                .sorted(Comparator.comparing((String f) -> -score.get(f)).thenComparing(f -> f))
                .toList();
        StringBuilder map = new StringBuilder();
        int shown = 0;
        for (String file : ranked) {
            StringBuilder entry = new StringBuilder(file).append('\n');
            for (String decl : declarations.getOrDefault(file, List.of())) {
                entry.append("    ").append(decl).append('\n');
            }
            if (map.length() + entry.length() > budgetChars) {
                if (map.length() + file.length() + 1 > budgetChars) {
                    break;
                }
                entry = new StringBuilder(file).append('\n');
            }
            map.append(entry);
            shown++;
        }
        if (shown < files.size()) {
            map.append("... ").append(files.size() - shown).append(" more files (use the list and search tools)\n");
        }
        return map.toString();
    }

    private Map<String, List<String>> declarations(Path root, List<String> candidates) {
        Map<String, List<String>> out = new HashMap<>();
        List<String> pythonFiles = new ArrayList<>();
        for (String file : candidates) {
            if (file.endsWith(".java")) {
                List<String> decls = java.of(root.resolve(file));
                if (!decls.isEmpty()) {
                    out.put(file, decls);
                }
            } else if (file.endsWith(".py")) {
                pythonFiles.add(file);
            }
        }
        if (!pythonFiles.isEmpty()) {
            out.putAll(python.apply(pythonFiles));
        }
        return out;
    }

    /** The files a map lists: every regular file, build output, dependencies and .git left out. */
    public static List<String> files(Path root) throws IOException {
        List<String> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(root)
                                && SKIPPED_DIRS.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    files.add(root.relativize(file).toString().replace('\\', '/'));
                }
                return files.size() >= MAX_FILES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    /** The issue's words, split at case changes and separators, lower case, without filler. */
    static Set<String> terms(String text) {
        Set<String> terms = new LinkedHashSet<>();
        for (String word : text.split("[^A-Za-z0-9]+")) {
            for (String part : word.split("(?<=[a-z0-9])(?=[A-Z])")) {
                String term = part.toLowerCase(Locale.ROOT);
                if (term.length() >= 3 && !STOP_WORDS.contains(term)) {
                    terms.add(term);
                }
            }
            String whole = word.toLowerCase(Locale.ROOT);
            if (whole.length() >= 3 && !STOP_WORDS.contains(whole)) {
                terms.add(whole);
            }
        }
        return terms;
    }

    private static int pathScore(String file, Set<String> terms, String lowerIssue) {
        String lower = file.toLowerCase(Locale.ROOT);
        String name = lower.substring(lower.lastIndexOf('/') + 1);
        int score = lowerIssue.contains(lower) || (name.contains(".") && lowerIssue.contains(name)) ? 10 : 0;
        Set<String> parts =
                terms(file.replace('/', ' ').replace('.', ' ').replace('_', ' ').replace('-', ' '));
        for (String term : terms) {
            if (parts.contains(term)) {
                score += 3;
            } else if (lower.contains(term)) {
                score += 1;
            }
        }
        return score;
    }

    private static int matches(List<String> declarations, Set<String> terms) {
        int n = 0;
        for (String decl : declarations) {
            Set<String> words = terms(decl);
            for (String term : terms) {
                if (words.contains(term)) {
                    n++;
                }
            }
        }
        return n;
    }
}
