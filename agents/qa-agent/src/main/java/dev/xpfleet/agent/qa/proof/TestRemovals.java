package dev.xpfleet.agent.qa.proof;

import dev.xpfleet.agent.qa.proof.Trees.Tree;
import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.change.ChangeSet.Region;
import dev.xpfleet.common.change.TestPaths;
import dev.xpfleet.common.testreport.TestReports.Outcome;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What became of each test that passed on the base and did not run, or was skipped, with the
 * change. Its body is read from the base commit (declaration to its end) and it is matched to a
 * successor only when a test the base did not have runs now with the same body (names aside):
 * renamed when in the same file (its method renamed, or the class around it), moved when in
 * another. Otherwise the diff is searched for why: its declaration deleted (or replaced by one with
 * another body), a skip added to it, a file that selects tests edited, or its file edited near it.
 * An unmatched test fails QA unless the base tree's {@code .fleet.yml} allows removals for its
 * path ({@code qa: allow-removed-tests: [globs]}).
 *
 * <p>Test ids are read as each runner writes them: Surefire's {@code pkg.Outer$Nested#method} and
 * {@code method(int)[1]} for parameterised tests, pytest's {@code pkg.test_mod.TestClass#test_x[1-2]},
 * node's {@code test#description} (no file: the test files the diff touches are searched for the
 * description).
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
     * @param file its file on the base (renamed, removed) or the file of the change that moved,
     *     skipped or may have deselected it; null when nothing points at one
     * @param line that place's line (in the base file for a deletion, else in the changed file), or null
     * @param cause a sentence for the developer
     * @param allowed the base's {@code .fleet.yml} lets the change remove tests there
     */
    public record Removal(
            String id, Kind kind, String successor, String file, Integer line, String cause, boolean allowed) {

        /** Unaccounted for, and not allowed: the verdict fails. */
        public boolean fails() {
            return !allowed && !matched();
        }

        /** Renamed or moved: the same test runs under another id. */
        public boolean matched() {
            return kind == Kind.RENAMED || kind == Kind.MOVED;
        }

        public String describe() {
            String where = file == null ? "" : ", " + file + (line == null ? "" : ":" + line);
            return switch (kind) {
                case RENAMED, MOVED ->
                    kind.name().toLowerCase(Locale.ROOT) + " test: " + id + " runs as " + successor + where;
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

    static final Pattern SKIP = Pattern.compile("@Disabled\\w*|@Ignore\\b|@EnabledIf\\w*|@EnabledOn\\w*"
            + "|@EnabledFor\\w*|\\bassume(True|False|That)?\\s*\\(|Assumptions\\.\\w+|@pytest\\.mark\\.(skip|skipif"
            + "|xfail)\\b|@unittest\\.(skip|skipIf|skipUnless|expectedFailure)\\b|\\bpytest\\.(skip|xfail"
            + "|importorskip)\\s*\\(|\\b(it|test|describe|suite|specify)\\.(skip|todo)\\s*\\(|\\bx(it|describe|test)"
            + "\\s*\\(|\\{\\s*(skip|todo)\\s*:");
    /** Files that can select, exclude or skip tests without touching a test's own lines. */
    private static final Pattern SELECTING = Pattern.compile("(^|/)(conftest\\.py|pytest\\.ini|tox\\.ini|setup\\.cfg"
            + "|pyproject\\.toml|pom\\.xml|build\\.gradle(\\.kts)?|package\\.json|(jest|vitest|karma)\\.config\\.[a-z]+"
            + "|\\.mocharc(\\.[a-z]+)?|junit-platform\\.properties)$");

    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z_$][\\w$]*(?=$|[(\\[])");

    private final List<Region> regions;
    private final Tree base;
    private final Tree changed;
    private final Set<String> deleted;
    private final List<PathMatcher> allowed;
    private final Set<String> baseTestPaths;
    private final Set<String> changedTestPaths;
    private final Map<String, Found> successorsFound = new java.util.HashMap<>();

    private TestRemovals(ChangeSet change, Tree base, Tree changed, List<PathMatcher> allowed) {
        this.regions = change.regions();
        this.base = base;
        this.changed = changed;
        this.allowed = allowed;
        this.baseTestPaths = regionPaths(true);
        this.changedTestPaths = regionPaths(false);
        this.deleted = new HashSet<>();
        for (Region r : regions) {
            if (r.path() == null) {
                deleted.add(r.oldPath());
            }
        }
    }

    /**
     * The base's {@code qa: allow-removed-tests} as matchers.
     *
     * @throws IllegalArgumentException naming the glob that is not one
     */
    public static List<PathMatcher> allowing(List<String> globs) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            try {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        ".fleet.yml qa.allow-removed-tests: '" + glob + "' is not a glob: " + e.getMessage());
            }
        }
        return List.copyOf(matchers);
    }

    /**
     * @param missing tests that passed on the base and did not run, or were skipped, with the change
     * @param baseIds every test id of the base run
     * @param outcomes the changed run's outcomes
     * @param change the tree's diff against the base
     * @param base the base commit's files
     * @param changed the changed tree's files, as patched (not as the tests left them)
     * @param allowed the base's {@code qa: allow-removed-tests} ({@link #allowing})
     */
    public static List<Removal> of(
            List<String> missing,
            Set<String> baseIds,
            Map<String, Outcome> outcomes,
            ChangeSet change,
            Tree base,
            Tree changed,
            List<PathMatcher> allowed)
            throws IOException {
        if (missing.isEmpty()) {
            return List.of();
        }
        TestRemovals removals = new TestRemovals(change, base, changed, allowed);
        List<TestId> successors = outcomes.entrySet().stream()
                .filter(e -> !baseIds.contains(e.getKey()) && e.getValue() != Outcome.SKIPPED)
                .map(e -> TestId.of(e.getKey()))
                .toList();
        Set<String> taken = new HashSet<>();
        List<Removal> out = new ArrayList<>();
        for (String id : missing) {
            Removal r = removals.judge(TestId.of(id), successors, taken, outcomes.get(id) == Outcome.SKIPPED);
            if (r.successor() != null) {
                taken.add(r.successor());
            }
            out.add(r);
        }
        return out;
    }

    private Removal judge(TestId test, List<TestId> successors, Set<String> taken, boolean reportedSkipped)
            throws IOException {
        String file = fileOf(test, base, baseTestPaths);
        Place was = file == null ? null : find(base, file, test);
        boolean allowed = allowed(file, test);
        if (was != null && !reportedSkipped) {
            String body = normalise(was.body(), test.method());
            for (TestId next : successors) {
                Found now = taken.contains(next.id()) ? null : found(next);
                if (now != null && now.body().equals(body)) {
                    Kind kind = now.file().equals(file) ? Kind.RENAMED : Kind.MOVED;
                    return new Removal(
                            test.id(), kind, next.id(), now.file(), now.place().line(), "same body", allowed);
                }
            }
        }
        Place still = file == null || deleted.contains(file) ? null : find(changed, file, test);
        if (was != null && still == null) {
            String cause = deleted.contains(file) ? "its file is deleted" : "its declaration is deleted";
            for (TestId next : successors) {
                if (!taken.contains(next.id()) && replaces(file, was.line(), next)) {
                    cause = "its declaration is deleted; " + next.id() + ", declared in its place, has another body";
                    break;
                }
            }
            return new Removal(test.id(), Kind.REMOVED, null, file, was.line(), cause, allowed);
        }
        Removal skip = skipped(test, file, still, allowed);
        if (skip != null) {
            return skip;
        }
        if (reportedSkipped) {
            return new Removal(
                    test.id(),
                    Kind.SKIPPED,
                    null,
                    file,
                    still == null ? null : still.line(),
                    "the runner reports it skipped",
                    allowed);
        }
        for (Region r : regions) {
            String path = r.path() != null ? r.path() : r.oldPath();
            if (SELECTING.matcher(path).find()) {
                int line = r.added().isEmpty() ? Math.max(1, r.removedFrom()) : r.addedFrom();
                return new Removal(
                        test.id(),
                        Kind.NOT_RUN,
                        null,
                        path,
                        line,
                        "the change edits a file that can select or skip tests",
                        allowed);
            }
        }
        Region near = file == null ? null : nearest(file, was == null ? 1 : was.line());
        if (near != null) {
            return new Removal(
                    test.id(),
                    Kind.NOT_RUN,
                    null,
                    file,
                    near.added().isEmpty() ? Math.max(1, near.addedFrom()) : near.addedFrom(),
                    "the change edits its file nearest there",
                    allowed);
        }
        return new Removal(
                test.id(),
                Kind.NOT_RUN,
                null,
                file,
                null,
                "no deletion, skip or test selection found in the diff",
                allowed);
    }

    /** A successor as found in the changed tree: its file, place and normalised body. */
    private record Found(String file, Place place, String body) {}

    /** Where a successor is, found once. */
    private Found found(TestId next) throws IOException {
        if (!successorsFound.containsKey(next.id())) {
            String file = fileOf(next, changed, changedTestPaths);
            Place place = file == null ? null : find(changed, file, next);
            successorsFound.put(
                    next.id(), place == null ? null : new Found(file, place, normalise(place.body(), next.method())));
        }
        return successorsFound.get(next.id());
    }

    /** A skip the change added nearest above the test's declaration in its file (for node, any test file). */
    private Removal skipped(TestId test, String file, Place still, boolean allowed) {
        int declaredAt = still == null ? -1 : still.line();
        Region best = null;
        int bestLine = 0;
        String bestText = null;
        for (Region r : regions) {
            if (r.path() == null || (file != null ? !r.path().equals(file) : !TestPaths.isTest(r.path()))) {
                continue;
            }
            for (int i = 0; i < r.added().size(); i++) {
                Matcher m = SKIP.matcher(r.added().get(i));
                int line = r.addedFrom() + i;
                if (m.find() && (best == null || distance(line, declaredAt) < distance(bestLine, declaredAt))) {
                    best = r;
                    bestLine = line;
                    bestText = m.group().strip();
                }
            }
        }
        return best == null
                ? null
                : new Removal(
                        test.id(), Kind.SKIPPED, null, best.path(), bestLine, "`" + bestText + "` added", allowed);
    }

    /** Lines above the declaration count as near; below it, a line further. */
    private static int distance(int line, int declaredAt) {
        if (declaredAt < 0) {
            return line;
        }
        return line <= declaredAt ? declaredAt - line : 2 * (line - declaredAt) + 1;
    }

    /** The change's region in {@code file} (as changed) nearest to {@code line}. */
    private Region nearest(String file, int line) {
        Region best = null;
        for (Region r : regions) {
            if (file.equals(r.path())
                    && (best == null || Math.abs(r.addedFrom() - line) < Math.abs(best.addedFrom() - line))) {
                best = r;
            }
        }
        return best;
    }

    /** Whether a region of {@code file} removes the base's line {@code line} and adds {@code next}'s declaration. */
    private boolean replaces(String file, int line, TestId next) {
        return regions.stream()
                .anyMatch(r -> file.equals(r.oldPath())
                        && r.removedFrom() <= line
                        && line < r.removedFrom() + r.removed().size()
                        && r.added().stream().anyMatch(l -> declares(l, next.method(), r.path())));
    }

    /** Paths of test files the diff touches: their base paths, or their changed ones. */
    private Set<String> regionPaths(boolean old) {
        Set<String> paths = new HashSet<>();
        for (Region r : regions) {
            String path = old ? r.oldPath() : r.path();
            if (path != null && TestPaths.isTest(path)) {
                paths.add(path);
            }
        }
        return paths;
    }

    private boolean allowed(String file, TestId test) {
        for (PathMatcher m : allowed) {
            if ((file != null && m.matches(Path.of(file)))
                    || (!test.cls().isEmpty()
                            && m.matches(Path.of(test.cls().replace('.', '/').replace('$', '/'))))) {
                return true;
            }
        }
        return false;
    }

    /** Where a test is declared in a file: its line (1-based) and its body, declaration to end. */
    record Place(int line, List<String> body) {}

    /**
     * The test's declaration in {@code file}: after the declaration of each class its id names
     * within the file ({@code Outer$Inner}, pytest's {@code module.TestClass}), when they are there.
     */
    static Place find(Tree tree, String file, TestId test) throws IOException {
        List<String> lines = tree.lines(file);
        if (lines == null) {
            return null;
        }
        int from = 0;
        for (String cls : test.classesIn(file)) {
            Pattern declared = Pattern.compile("\\bclass\\s+" + Pattern.quote(cls) + "\\b");
            for (int i = from; i < lines.size(); i++) {
                if (declared.matcher(lines.get(i)).find()) {
                    from = i + 1;
                    break;
                }
            }
        }
        java.util.function.Predicate<String> declared = declaration(test.method(), file);
        for (int i = from; i < lines.size(); i++) {
            if (declared.test(lines.get(i))) {
                List<String> body = block(lines, i);
                return body == null ? null : new Place(i + 1, body);
            }
        }
        return null;
    }

    /** Whether a line declares the test: a void method, a Python function, a node test call. */
    static boolean declares(String line, String method, String file) {
        return declaration(method, file).test(line);
    }

    /** The lines that declare {@code method} in a file of that name (null: any language). */
    static java.util.function.Predicate<String> declaration(String method, String file) {
        String q = Pattern.quote(method);
        String name = file == null ? "" : file.toLowerCase(Locale.ROOT);
        boolean any = file == null;
        List<Pattern> patterns = new ArrayList<>();
        if (any || name.endsWith(".java") || name.endsWith(".groovy")) {
            patterns.add(Pattern.compile("\\bvoid\\s+" + q + "\\s*\\("));
        }
        if (any || name.endsWith(".kt")) {
            patterns.add(Pattern.compile("\\bfun\\s+(" + q + "|`" + q + "`)\\s*\\("));
        }
        if (any || name.endsWith(".py")) {
            patterns.add(Pattern.compile("^\\s*(async\\s+)?def\\s+" + q + "\\s*\\("));
        }
        if (any || name.matches(".*\\.[cm]?[jt]sx?$")) {
            patterns.add(Pattern.compile("\\b(it|test|specify)(\\.\\w+)?\\s*\\(\\s*(['\"`])" + q + "\\3"));
        }
        return line -> patterns.stream().anyMatch(p -> p.matcher(line).find());
    }

    /**
     * The lines of the test declared at {@code from}: to the brace that closes its first one (a
     * one-line {@code test('x', () => ...);} alone), or for Python to the last line indented deeper
     * than its {@code def}; null when it does not end within {@code lines}.
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
            return lines.subList(from, end);
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
                return lines.subList(from, i + 1);
            }
        }
        return null;
    }

    /** A body with its test's name blanked out and spaces dropped: equal for the same test renamed. */
    private static String normalise(List<String> lines, String name) {
        String text = String.join("\n", lines);
        text = text.replaceAll("(?<![\\w$])" + Pattern.quote(name) + "(?![\\w$])", "\u0000");
        return text.replaceAll("\\s+", "");
    }

    /**
     * The test's file in a tree: Java by its outer class ({@code pkg/Outer.java}, Kotlin and Groovy
     * alike), Python by its module ({@code pkg/test_mod.py}); a runner that names no file (node)
     * by the test files the diff touches that declare it. One match, or the one of several the diff
     * touches; else null.
     */
    static String fileOf(TestId test, Tree tree, Set<String> touched) throws IOException {
        String cls = test.cls();
        List<String> found = new ArrayList<>();
        if (cls.isEmpty() || cls.equals("test")) {
            for (String path : touched) {
                List<String> lines = tree.lines(path);
                if (lines != null && lines.stream().anyMatch(declaration(test.method(), path))) {
                    found.add(path);
                }
            }
            return found.size() == 1 ? found.get(0) : null;
        }
        String outer = cls.contains("$") ? cls.substring(0, cls.indexOf('$')) : cls;
        for (String ext : List.of(".java", ".kt", ".groovy")) {
            matching(tree.testFiles(), outer.replace('.', '/') + ext, found);
        }
        String[] parts = cls.split("\\.");
        for (int k = parts.length; k >= 1 && found.isEmpty(); k--) {
            matching(tree.testFiles(), String.join("/", Arrays.copyOf(parts, k)) + ".py", found);
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        List<String> inDiff = found.stream().filter(touched::contains).toList();
        return inDiff.size() == 1 ? inDiff.get(0) : null;
    }

    private static void matching(Set<String> files, String tail, List<String> found) {
        for (String file : files) {
            if (file.equals(tail) || file.endsWith("/" + tail)) {
                found.add(file);
            }
        }
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

        /**
         * The classes the id names inside {@code file}: Java's nested ones ({@code Outer$A$B}: Outer,
         * A, B), pytest's after the module ({@code pkg.test_mod.TestX}: TestX).
         */
        List<String> classesIn(String file) {
            if (file.endsWith(".py")) {
                String module = file.substring(0, file.length() - 3).replace('/', '.');
                String[] parts = cls.split("\\.");
                List<String> classes = new ArrayList<>();
                for (int k = parts.length - 1; k >= 0; k--) {
                    String prefix = String.join(".", Arrays.copyOf(parts, k + 1));
                    if (module.equals(prefix) || module.endsWith("." + prefix)) {
                        classes.addAll(Arrays.asList(parts).subList(k + 1, parts.length));
                        break;
                    }
                }
                return classes;
            }
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            return simple.isEmpty() || simple.equals("test") ? List.of() : Arrays.asList(simple.split("\\$"));
        }
    }
}
