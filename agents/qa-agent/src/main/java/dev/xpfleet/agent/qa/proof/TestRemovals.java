package dev.xpfleet.agent.qa.proof;

import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.change.ChangeSet.Region;
import dev.xpfleet.common.change.TestPaths;
import dev.xpfleet.common.testreport.TestReports.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What became of each test that passed on the base and did not run, or was skipped, with the
 * change. It is matched to its successor when the diff shows a rename or a move: renamed in place
 * (the line that declared it replaced by one declaring the new test, nothing else in that place
 * changed), its class or file renamed around it (its own lines untouched), or moved to another
 * class or file (the same name, the same lines). Otherwise the diff is searched for why: its
 * declaration deleted, a skip added near it, a file that selects tests edited. An unmatched test
 * fails QA unless the base tree's {@code .fleet.yml} allows removals for its path ({@code qa:
 * allow-removed-tests: [globs]}).
 *
 * <p>Test ids are read as each runner writes them: Surefire's {@code pkg.Outer$Nested#method} and
 * {@code method(int)[1]} for parameterised tests, pytest's {@code pkg.test_mod.TestClass#test_x[1-2]},
 * node's {@code test#description} (no file: the diff is searched for the description).
 */
public final class TestRemovals {

    /** What happened to the test. */
    public enum Kind {
        RENAMED,
        MOVED,
        REMOVED,
        SKIPPED,
        NOT_RUN
    }

    /**
     * @param id the test as the base run reported it
     * @param successor the id it runs under now (renamed or moved), else null
     * @param file where the change renamed, removed or skipped it, or the file that may deselect it;
     *     null when nothing in the diff points at one
     * @param line that place's line (in the base file for a deletion, else in the changed file), or null
     * @param cause a sentence for the developer
     * @param allowed the base's {@code .fleet.yml} lets the change remove tests there
     */
    public record Removal(
            String id, Kind kind, String successor, String file, Integer line, String cause, boolean allowed) {

        /** Unaccounted for, and not allowed: the verdict fails. */
        public boolean fails() {
            return !allowed && kind != Kind.RENAMED && kind != Kind.MOVED;
        }

        public String describe() {
            String where = file == null ? "" : ", " + file + (line == null ? "" : ":" + line);
            return switch (kind) {
                case RENAMED, MOVED -> id + " " + kind.name().toLowerCase(Locale.ROOT) + " to " + successor;
                case REMOVED ->
                    "removed test: " + id + " passed on the base and the change deletes it (" + cause + where + ")";
                case SKIPPED ->
                    "skipped test: " + id + " passed on the base and is skipped with the change (" + cause + where
                            + ")";
                case NOT_RUN ->
                    "missing test: " + id + " passed on the base and did not run with the change (" + cause + where
                            + ")";
            };
        }
    }

    static final Pattern SKIP = Pattern.compile("@Disabled\\w*|@Ignore\\b|@DisabledIf\\w*|@EnabledIf\\w*"
            + "|@EnabledOn\\w*|@DisabledOn\\w*|@EnabledFor\\w*|@DisabledFor\\w*|\\bassume(True|False|That)?\\s*\\("
            + "|Assumptions\\.\\w+|@pytest\\.mark\\.(skip|skipif|xfail)\\b|@unittest\\.(skip|skipIf|skipUnless"
            + "|expectedFailure)\\b|\\bpytest\\.(skip|xfail|importorskip)\\s*\\(|\\b(it|test|describe|suite|specify)"
            + "\\.(skip|todo)\\s*\\(|\\bx(it|describe|test)\\s*\\(|\\{\\s*(skip|todo)\\s*:");
    /** Files that can select, exclude or skip tests without touching a test's own lines. */
    private static final Pattern SELECTING = Pattern.compile("(^|/)(conftest\\.py|pytest\\.ini|tox\\.ini|setup\\.cfg"
            + "|pyproject\\.toml|pom\\.xml|build\\.gradle(\\.kts)?|package\\.json|(jest|vitest|karma)\\.config\\.[a-z]+"
            + "|\\.mocharc(\\.[a-z]+)?|junit-platform\\.properties|\\.fleet\\.yml)$");

    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z_$][\\w$]*(?=$|[(\\[])");
    private static final int MAX_WALK = 20_000;

    private final ChangeSet change;
    private final List<Region> regions;
    private final Set<String> knownFiles;
    private final Path workspace;
    private final List<PathMatcher> allowed;

    private TestRemovals(ChangeSet change, Path workspace, Set<String> knownFiles, List<String> allowGlobs) {
        this.change = change;
        this.regions = change.regions();
        this.workspace = workspace;
        this.knownFiles = knownFiles;
        this.allowed = allowGlobs.stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
    }

    /**
     * @param missing tests that passed on the base and did not run, or were skipped, with the change
     * @param base every test id of the base run
     * @param changed the changed run's outcomes
     * @param workspace the changed tree (its test files are read to find the tests' files)
     * @param allowGlobs the base's {@code qa: allow-removed-tests}
     */
    public static List<Removal> of(
            List<String> missing,
            Set<String> base,
            Map<String, Outcome> changed,
            ChangeSet change,
            Path workspace,
            List<String> allowGlobs)
            throws IOException {
        if (missing.isEmpty()) {
            return List.of();
        }
        TestRemovals removals = new TestRemovals(change, workspace, testFiles(workspace, change), allowGlobs);
        List<TestId> successors = changed.entrySet().stream()
                .filter(e -> !base.contains(e.getKey()) && e.getValue() != Outcome.SKIPPED)
                .map(e -> TestId.of(e.getKey()))
                .toList();
        Set<String> taken = new HashSet<>();
        List<Removal> out = new ArrayList<>();
        for (String id : missing) {
            Removal r = removals.judge(TestId.of(id), successors, taken, changed.get(id) == Outcome.SKIPPED);
            if (r.successor() != null) {
                taken.add(r.successor());
            }
            out.add(r);
        }
        return out;
    }

    private Removal judge(TestId test, List<TestId> successors, Set<String> taken, boolean reportedSkipped)
            throws IOException {
        String file = fileOf(test);
        Declaration removed = removedDeclaration(test, file);
        if (!reportedSkipped) {
            for (TestId next : successors) {
                if (taken.contains(next.id())) {
                    continue;
                }
                Kind matched = successor(test, file, removed, next);
                if (matched != null) {
                    String at = fileOf(next);
                    return new Removal(test.id(), matched, next.id(), at, null, "the diff shows it", allowed(at, test));
                }
            }
        }
        if (removed != null) {
            String cause = removed.region().path() == null ? "its file is deleted" : "its declaration is deleted";
            return new Removal(
                    test.id(),
                    Kind.REMOVED,
                    null,
                    removed.region().oldPath(),
                    removed.line(),
                    cause,
                    allowed(file, test));
        }
        Declaration skip = skipNear(test, file);
        if (skip != null) {
            return new Removal(
                    test.id(),
                    Kind.SKIPPED,
                    null,
                    skip.region().path(),
                    skip.line(),
                    "`" + skip.text().strip() + "` added",
                    allowed(file, test));
        }
        if (reportedSkipped) {
            return new Removal(
                    test.id(), Kind.SKIPPED, null, file, null, "the runner reports it skipped", allowed(file, test));
        }
        for (Region r : regions) {
            String path = r.path() != null ? r.path() : r.oldPath();
            if (SELECTING.matcher(path).find()) {
                int line = r.added().isEmpty() ? r.removedFrom() : r.addedFrom();
                return new Removal(
                        test.id(),
                        Kind.NOT_RUN,
                        null,
                        path,
                        line,
                        "the change edits a file that can select or skip tests",
                        allowed(file, test));
            }
        }
        return new Removal(
                test.id(),
                Kind.NOT_RUN,
                null,
                file,
                null,
                "no deletion, skip or test selection found in the diff",
                allowed(file, test));
    }

    /** How {@code next} succeeds {@code test}, or null when the diff does not show it does. */
    private Kind successor(TestId test, String file, Declaration removed, TestId next) {
        String nextFile = fileOf(next);
        if (removed != null) {
            // Renamed in place: its declaration replaced by the new one's, nothing else changed there.
            String at = removed.region().path();
            if (at != null
                    && (nextFile == null ? TestPaths.isTest(at) : at.equals(nextFile))
                    && sameExceptNames(removed.region(), test.method(), next.method())
                    && !test.method().equals(next.method())
                    && declares(removed.region().added(), next.method(), nextFile)) {
                return Kind.RENAMED;
            }
            // Moved: the same name and the same lines elsewhere.
            if (test.method().equals(next.method())) {
                Declaration added = addedDeclaration(next, nextFile);
                if (added != null && sameBody(removed, added)) {
                    return Kind.MOVED;
                }
            }
            return null;
        }
        if (!test.method().equals(next.method()) || file == null || nextFile == null) {
            return null;
        }
        // Its own lines untouched; the class around it (nested or not) renamed, or its file.
        String before = simpleClass(test.cls());
        String after = simpleClass(next.cls());
        if (file.equals(nextFile) && !before.equals(after) && classRenamed(file, before, after)) {
            return Kind.RENAMED;
        }
        return file.equals(change.oldPath(nextFile)) ? Kind.MOVED : null;
    }

    /** A region of the file that replaces the declaration of class {@code before} by one of {@code after}. */
    private boolean classRenamed(String file, String before, String after) {
        Pattern was = Pattern.compile("\\bclass\\s+" + Pattern.quote(before) + "\\b");
        Pattern is = Pattern.compile("\\bclass\\s+" + Pattern.quote(after) + "\\b");
        return regions.stream()
                .filter(r -> file.equals(r.path()) && file.equals(r.oldPath()))
                .anyMatch(r -> r.removed().stream().anyMatch(l -> was.matcher(l).find())
                        && r.added().stream().anyMatch(l -> is.matcher(l).find()));
    }

    private static String simpleClass(String cls) {
        return cls.substring(Math.max(cls.lastIndexOf('.'), cls.lastIndexOf('$')) + 1);
    }

    /** A place in the diff: a region, a line number there and its text. */
    record Declaration(Region region, int line, int index, String text) {}

    private Declaration removedDeclaration(TestId test, String file) {
        for (Region r : regions) {
            if (r.oldPath() == null || (file != null && !r.oldPath().equals(file))) {
                continue;
            }
            if ((file == null && !TestPaths.isTest(r.oldPath()))
                    || (r.path() != null && declares(r.added(), test.method(), r.path()))) {
                continue; // its declaration edited (a skip added to it, say), not deleted
            }
            for (int i = 0; i < r.removed().size(); i++) {
                if (declares(r.removed().get(i), test.method(), r.oldPath())) {
                    return new Declaration(
                            r, r.removedFrom() + i, i, r.removed().get(i));
                }
            }
        }
        return null;
    }

    private Declaration addedDeclaration(TestId test, String file) {
        for (Region r : regions) {
            if (r.path() == null || (file != null && !r.path().equals(file))) {
                continue;
            }
            for (int i = 0; i < r.added().size(); i++) {
                if (declares(r.added().get(i), test.method(), r.path())) {
                    return new Declaration(r, r.addedFrom() + i, i, r.added().get(i));
                }
            }
        }
        return null;
    }

    /** The skip added nearest above the test's declaration in the changed file (or anywhere in it). */
    private Declaration skipNear(TestId test, String file) throws IOException {
        int declaredAt = declarationLine(test, file);
        Declaration best = null;
        for (Region r : regions) {
            if (r.path() == null || (file != null ? !r.path().equals(file) : !TestPaths.isTest(r.path()))) {
                continue;
            }
            for (int i = 0; i < r.added().size(); i++) {
                Matcher m = SKIP.matcher(r.added().get(i));
                if (!m.find()) {
                    continue;
                }
                Declaration d = new Declaration(r, r.addedFrom() + i, i, m.group());
                if (best == null || distance(d.line(), declaredAt) < distance(best.line(), declaredAt)) {
                    best = d;
                }
            }
        }
        return best;
    }

    /** Lines above the declaration count as near; below it, a line further. */
    private static int distance(int line, int declaredAt) {
        if (declaredAt < 0) {
            return line;
        }
        return line <= declaredAt ? declaredAt - line : 2 * (line - declaredAt) + 1;
    }

    private int declarationLine(TestId test, String file) throws IOException {
        if (file == null) {
            return -1;
        }
        Path path = workspace.resolve(file).normalize();
        if (!path.startsWith(workspace)
                || !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                || Files.size(path) > 2_000_000) {
            return -1;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            return -1;
        }
        for (int i = 0; i < lines.size(); i++) {
            if (declares(lines.get(i), test.method(), file)) {
                return i + 1;
            }
        }
        return -1;
    }

    private static boolean declares(List<String> lines, String method, String file) {
        return lines.stream().anyMatch(l -> declares(l, method, file));
    }

    /** Whether a line declares the test: a void method, a Python function, a node test call. */
    static boolean declares(String line, String method, String file) {
        String q = Pattern.quote(method);
        String name = file == null ? "" : file.toLowerCase(Locale.ROOT);
        boolean any = file == null;
        if ((any || name.endsWith(".java") || name.endsWith(".groovy"))
                && Pattern.compile("\\bvoid\\s+" + q + "\\s*\\(").matcher(line).find()) {
            return true;
        }
        if ((any || name.endsWith(".kt"))
                && Pattern.compile("\\bfun\\s+(" + q + "|`" + q + "`)\\s*\\(")
                        .matcher(line)
                        .find()) {
            return true;
        }
        if ((any || name.endsWith(".py"))
                && Pattern.compile("^\\s*(async\\s+)?def\\s+" + q + "\\s*\\(")
                        .matcher(line)
                        .find()) {
            return true;
        }
        return (any || name.matches(".*\\.[cm]?[jt]sx?$"))
                && Pattern.compile("\\b(it|test|specify)(\\.\\w+)?\\s*\\(\\s*(['\"`])" + q + "\\3")
                        .matcher(line)
                        .find();
    }

    /** The region's removed and added text are the same once each side's test name is blanked out. */
    private static boolean sameExceptNames(Region r, String before, String after) {
        return normalise(r.removed(), before).equals(normalise(r.added(), after));
    }

    /** The removed test's block (its declaration to its end) is added the same, whole. */
    private static boolean sameBody(Declaration removed, Declaration added) {
        List<String> gone = block(removed.region().removed(), removed.index());
        List<String> come = block(added.region().added(), added.index());
        return gone != null && come != null && normalise(gone, null).equals(normalise(come, null));
    }

    /**
     * The lines of the test declared at {@code from}: to the brace that closes its first one, or for
     * Python to the last line indented deeper than its {@code def}; null when it does not end within
     * {@code lines}.
     */
    static List<String> block(List<String> lines, int from) {
        String head = lines.get(from);
        if (head.strip().startsWith("def ") || head.strip().startsWith("async def ")) {
            int indent = head.length() - head.stripLeading().length();
            int end = from + 1;
            while (end < lines.size()
                    && (lines.get(end).isBlank()
                            || lines.get(end).length()
                                            - lines.get(end).stripLeading().length()
                                    > indent)) {
                end++;
            }
            while (end > from + 1 && lines.get(end - 1).isBlank()) {
                end--;
            }
            return end < lines.size() || end > from + 1 ? lines.subList(from, end) : null;
        }
        int depth = 0;
        boolean opened = false;
        for (int i = from; i < lines.size(); i++) {
            for (char c : lines.get(i).toCharArray()) {
                if (c == '{') {
                    depth++;
                    opened = true;
                } else if (c == '}') {
                    depth--;
                }
            }
            if ((opened && depth <= 0)
                    || (!opened && i == from && lines.get(i).strip().endsWith(");"))) {
                return lines.subList(from, i + 1); // closed, or a one-line test('x', () => ...);
            }
        }
        return null;
    }

    private static String normalise(List<String> lines, String name) {
        String text = String.join("\n", lines);
        if (name != null) {
            text = text.replaceAll("(?<![\\w$])" + Pattern.quote(name) + "(?![\\w$])", "\u0000");
        }
        return text.replaceAll("\\s+", "");
    }

    private boolean allowed(String file, TestId test) {
        for (PathMatcher m : allowed) {
            if ((file != null && m.matches(Path.of(file)))
                    || m.matches(Path.of(test.cls().replace('.', '/')))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The test's file: Java by its outer class ({@code pkg/Outer.java}, Kotlin and Groovy alike),
     * Python by its module ({@code pkg/test_mod.py}); null for a runner that names no file (node).
     */
    String fileOf(TestId test) {
        String cls = test.cls();
        if (cls.isEmpty() || cls.equals("test")) {
            return null;
        }
        String outer = cls.contains("$") ? cls.substring(0, cls.indexOf('$')) : cls;
        for (String ext : List.of(".java", ".kt", ".groovy")) {
            String tail = outer.replace('.', '/') + ext;
            for (String known : knownFiles) {
                if (known.equals(tail) || known.endsWith("/" + tail)) {
                    return known;
                }
            }
        }
        String[] parts = cls.split("\\.");
        for (int k = parts.length; k >= 1; k--) {
            String module = String.join("/", java.util.Arrays.copyOf(parts, k)) + ".py";
            for (String known : knownFiles) {
                if (known.equals(module) || known.endsWith("/" + module)) {
                    return known;
                }
            }
        }
        return null;
    }

    /** Test files of the changed tree and every path the diff names (deleted and renamed ones too). */
    private static Set<String> testFiles(Path workspace, ChangeSet change) throws IOException {
        Set<String> files = new LinkedHashSet<>();
        for (Region r : change.regions()) {
            Stream.of(r.oldPath(), r.path()).filter(p -> p != null).forEach(files::add);
        }
        change.files().forEach(f -> {
            files.add(f.path());
            String old = change.oldPath(f.path());
            if (old != null) {
                files.add(old);
            }
        });
        try (Stream<Path> walk = Files.walk(workspace, 16)) {
            walk.limit(MAX_WALK)
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> workspace.relativize(p).toString())
                    .filter(p -> !p.startsWith(".git/") && !p.contains("node_modules/") && TestPaths.isTest(p))
                    .forEach(files::add);
        }
        return files;
    }

    /**
     * A test id split: {@code cls#name}, and the name without its parameters ({@code adds(int)[1]}
     * and {@code test_x[1-2]} are {@code adds} and {@code test_x}); a description (node) stays whole.
     */
    record TestId(String id, String cls, String name, String method) {

        static TestId of(String id) {
            int hash = id.indexOf('#');
            String cls = hash < 0 ? "" : id.substring(0, hash);
            String name = id.substring(hash + 1);
            Matcher m = IDENTIFIER.matcher(name);
            return new TestId(id, cls, name, m.find() ? m.group() : name);
        }
    }
}
