package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.agent.qa.findings.Analysers;
import dev.xpfleet.agent.qa.findings.Finding;
import dev.xpfleet.agent.qa.proof.TddProof;
import dev.xpfleet.agent.qa.proof.TestRemovals;
import dev.xpfleet.agent.qa.proof.Trees;
import dev.xpfleet.common.build.BuildDetector;
import dev.xpfleet.common.build.BuildPlan;
import dev.xpfleet.common.build.FleetYml;
import dev.xpfleet.common.build.Prefetch;
import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.change.TestPaths;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxAccess;
import dev.xpfleet.common.sandbox.SandboxResult;
import dev.xpfleet.common.testreport.TestReports;
import dev.xpfleet.common.testreport.TestReports.TestCase;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges one change on a workspace checked out at its base commit. The build is detected, and
 * {@code .fleet.yml} read, on the base: a change cannot lower its own bar. Then, all repository
 * commands in the sandbox: the prefetch on the changed tree (with network, the only such run), the
 * suite on the base (A), on the base plus the change's test files (B), and on the changed tree (C);
 * the TDD proof from the three; coverage of the changed lines, lint, static security analysis and
 * secret scanning on C.
 */
public final class QaVerifier {

    private static final Logger log = LoggerFactory.getLogger(QaVerifier.class);
    private static final List<String> KEEP = List.of("node_modules");
    private static final int MAX_REASONS_PER_KIND = 10;
    private static final int MAX_LISTED_TESTS = 200;
    private static final java.util.regex.Pattern MAVEN_ADVICE = java.util.regex.Pattern.compile(
            "^(-> \\[Help|\\[Help \\d|To see the full stack trace|Re-run Maven|For more information about the errors"
                    + "|After correcting the problems|mvn <args>|COMPILATION ERROR|Failed to execute goal .*: Compilation"
                    + " failure)");

    private final Sandbox sandbox;
    private final Analysers analysers;
    private final QaLimits limits;
    private final BuildDetector detector = new BuildDetector();
    private final TestReports testReports = new TestReports();

    public QaVerifier(Sandbox sandbox, Analysers analysers, QaLimits limits) {
        this.sandbox = sandbox;
        this.analysers = analysers;
        this.limits = limits;
    }

    /**
     * @param dependencyCache this repository's dependency cache (writable only by the prefetch)
     * @throws WorkspaceException when the workspace cannot be reset between runs
     */
    public QaReport verify(Workspace workspace, String repository, String diff, String patchHash, Path dependencyCache)
            throws IOException {
        return verify(workspace, repository, diff, patchHash, dependencyCache, false);
    }

    /**
     * @param refactoring the change is one of the fleet's refactorings (the orchestrator says so):
     *     its new tests must pin today's behaviour (pass without the production change) and no test
     *     may pass only because of it
     */
    public QaReport verify(
            Workspace workspace,
            String repository,
            String diff,
            String patchHash,
            Path dependencyCache,
            boolean refactoring)
            throws IOException {
        try {
            return judge(workspace, repository, diff, patchHash, dependencyCache, refactoring);
        } catch (LinkedReportsException | RuntimeException e) {
            // Whatever the repository or the patch did to trip the judge up is its own failure.
            log.info("QA of {} could not finish: {}", repository, e.toString());
            return new Verdict()
                    .refused(
                            repository,
                            workspace.baseCommit(),
                            patchHash,
                            "QA could not judge the change: " + e.getMessage());
        }
    }

    private QaReport judge(
            Workspace workspace,
            String repository,
            String diff,
            String patchHash,
            Path dependencyCache,
            boolean refactoring)
            throws IOException {
        Verdict verdict = new Verdict(refactoring);
        ChangeSet change;
        try {
            change = ChangeSet.parse(diff);
        } catch (IllegalArgumentException e) {
            return verdict.refused(
                    repository, workspace.baseCommit(), patchHash, "the patch is unusable: " + e.getMessage());
        }
        Path ws = workspace.dir();
        BuildPlan plan;
        List<PathMatcher> allowRemoved;
        try {
            plan = detector.detect(ws, dependencyCache);
            allowRemoved = TestRemovals.allowing(FleetYml.strings(
                    FleetYml.section(FleetYml.read(ws), "qa"), "allow-removed-tests", "qa", List.of()));
        } catch (IllegalArgumentException e) {
            return verdict.refused(repository, workspace.baseCommit(), patchHash, e.getMessage());
        }
        // The repository's own lint rules, from the pristine base before any repository code runs.
        Path checkstyle = analysers.repositoryCheckstyle(ws);
        try {
            return judgeChange(
                    workspace,
                    repository,
                    diff,
                    patchHash,
                    dependencyCache,
                    change,
                    plan,
                    new Removals(allowRemoved, null, null, checkstyle),
                    verdict);
        } finally {
            analysers.forget(checkstyle);
        }
    }

    private QaReport judgeChange(
            Workspace workspace,
            String repository,
            String diff,
            String patchHash,
            Path dependencyCache,
            ChangeSet change,
            BuildPlan plan,
            Removals fromBase,
            Verdict verdict)
            throws IOException {
        Path ws = workspace.dir();
        Map<String, QaReport.Run> runs = new LinkedHashMap<>();
        Prefetch prefetcher = new Prefetch(sandbox, limits.prefetch());
        String baseHash = Prefetch.buildFilesHash(ws);
        Prefetch.Result baseFetch = prefetcher.base(ws, plan, dependencyCache, baseHash);

        try {
            apply(workspace, diff);
        } catch (WorkspaceException e) {
            return verdict.refused(
                    repository,
                    workspace.baseCommit(),
                    patchHash,
                    "the patch does not apply on " + workspace.baseCommit() + ": " + e.getMessage());
        }
        // Line numbers as applied (JGit may place a hunk elsewhere than its header says): the
        // tree's own diff against the base, not the patch's claims.
        ChangeSet applied = ChangeSet.parse(workspace.diff().text());
        // What the tests were and are, read before any repository code runs on the changed tree.
        Trees.Tree baseTree = Trees.commit(workspace.gitDir(), workspace.baseCommit());
        Removals removals =
                new Removals(fromBase.allowed(), baseTree, Trees.changed(ws, baseTree, applied), fromBase.checkstyle());
        Prefetch.Prepared prepared = prefetcher.change(ws, plan, dependencyCache, baseHash, baseFetch);
        try {
            return judgeOffline(
                    workspace, repository, diff, patchHash, change, applied, prepared, removals, runs, verdict);
        } finally {
            Prefetch.delete(prepared.scratch());
        }
    }

    private QaReport judgeOffline(
            Workspace workspace,
            String repository,
            String diff,
            String patchHash,
            ChangeSet change,
            ChangeSet applied,
            Prefetch.Prepared prepared,
            Removals removals,
            Map<String, QaReport.Run> runs,
            Verdict verdict)
            throws IOException {
        Path ws = workspace.dir();
        BuildPlan plan = prepared.plan();
        Path dependencyCache = prepared.cache();
        for (Map.Entry<String, Prefetch.Result> fetch : java.util.Arrays.asList(
                Map.entry("prefetch", prepared.base()), Map.entry("changePrefetch", orNone(prepared.change())))) {
            Prefetch.Run fetched = fetch.getValue().run();
            if (fetched != null) {
                runs.put(
                        fetch.getKey(),
                        new QaReport.Run(
                                fetched.outcome(),
                                fetched.exitCode(),
                                fetched.millis(),
                                fetched.peakMemoryBytes(),
                                0,
                                fetched.reason()));
            }
            if (fetch.getValue().failure() != null) {
                verdict.reason(fetch.getValue().failure());
            }
        }

        workspace.reset(KEEP);
        Suite base = suite(ws, plan, "base", runs, dependencyCache);
        // The base's own coverage, before the next run replaces its report: the review's drop rule.
        Double baseTotal =
                plan.coverageReport() == null ? null : CoverageCheck.total(matching(ws, plan.coverageReport()));

        List<TestCase> testsOnly = List.of();
        if (change.tests().isEmpty()) {
            verdict.reason(
                    verdict.refactoring()
                            ? "refactoring not pinned: the change adds no test that pins today's behaviour"
                            : "not test-driven: the change adds or changes no test");
        } else {
            workspace.reset(KEEP);
            apply(workspace, change.testsOnlyDiff());
            testsOnly = suite(ws, plan, "testsOnly", runs, dependencyCache).cases();
        }

        workspace.reset(KEEP);
        apply(workspace, diff);
        Suite changed = suite(ws, plan, "changed", runs, dependencyCache);
        SandboxResult result = changed.result();
        if (result.outcome() != SandboxResult.Outcome.COMPLETED) {
            verdict.reason("the test run " + result.reason());
        } else if (changed.cases().isEmpty()) {
            verdict.reason(
                    "the test run reported no tests (" + result.reason() + "): " + failureLines(result.output()));
        } else if (plan.tool() == BuildPlan.Tool.MAVEN && result.exitCode() != 0) {
            // Test failures do not fail this build (failure.ignore): a non-zero exit is the build itself.
            verdict.reason("the build failed (exit " + result.exitCode() + "): " + failureLines(result.output()));
        }

        TddProof tdd = TddProof.of(base.cases(), testsOnly, changed.cases());
        Map<String, TestReports.Outcome> outcomes = TddProof.outcomesOf(changed.cases());
        tdd = tdd.withRemoved(
                TestRemovals.of(
                        tdd.missing(),
                        TddProof.outcomesOf(base.cases()).keySet(),
                        outcomes,
                        applied,
                        removals.base(),
                        removals.changed(),
                        removals.allowed()),
                outcomes);
        judgeTests(verdict, change, tdd, outcomes);
        List<String> problems = new ArrayList<>();
        QaReport.Coverage coverage = coverage(ws, plan, applied, verdict, problems);
        if (coverage != null) {
            coverage = coverage.withBaseTotal(baseTotal);
        }
        long analysisStart = System.nanoTime();
        List<Finding> findings = new ArrayList<>();
        long peak = analysers.compiled(ws, plan, applied, findings, problems);
        workspace.reset(KEEP);
        apply(workspace, diff);
        peak = Math.max(
                peak, analysers.sources(ws, plan, applied, dependencyCache, removals.checkstyle(), findings, problems));
        runs.put(
                "analysis",
                new QaReport.Run(
                        "COMPLETED",
                        0,
                        (System.nanoTime() - analysisStart) / 1_000_000,
                        peak,
                        0,
                        problems.isEmpty() ? "analysed" : String.join("; ", problems)));
        for (String problem : problems) {
            verdict.reason("could not be checked: " + problem);
        }
        int listed = 0;
        for (Finding finding : findings) {
            if (listed++ < MAX_REASONS_PER_KIND * 2) {
                verdict.reason(finding.describe());
            }
        }
        List<TestCase> failing = changed.cases().stream()
                .filter(t -> t.outcome() == TestReports.Outcome.FAILED || t.outcome() == TestReports.Outcome.ERROR)
                .limit(MAX_LISTED_TESTS)
                .toList();
        return new QaReport(
                QaReport.SCHEMA_VERSION,
                verdict.reasons().isEmpty() ? QaReport.PASSED : QaReport.FAILED,
                verdict.reasons(),
                repository,
                workspace.baseCommit(),
                patchHash,
                plan.tool().name(),
                runs,
                counts(changed.cases()),
                failing,
                tdd,
                coverage,
                findings,
                problems);
    }

    private static Prefetch.Result orNone(Prefetch.Result result) {
        return result == null ? new Prefetch.Result(null, null) : result;
    }

    /**
     * A refactoring keeps behaviour: it adds the tests that pin it (they pass on the base with only
     * the tests applied) and changes production code; a test that fails without the production change
     * and passes with it shows a behaviour change, not a refactoring; the pins still pass after it;
     * the existing tests are not rewritten.
     *
     * @param changed every test's outcome on the changed tree
     */
    private static void judgeRefactoring(
            Verdict verdict, ChangeSet change, TddProof tdd, Map<String, TestReports.Outcome> changed) {
        // The existing tests are the measure of "behaviour kept": a refactoring adds tests, it does
        // not rewrite the ones it is measured by (imports and blank lines aside).
        List<String> rewritten = new ArrayList<>();
        for (ChangeSet.Region region : change.regions()) {
            String path = region.path() != null ? region.path() : region.oldPath();
            boolean test = (region.path() != null && TestPaths.isTest(region.path()))
                    || (region.oldPath() != null && TestPaths.isTest(region.oldPath()));
            if (test && region.removed().stream().anyMatch(QaVerifier::substantive) && !rewritten.contains(path)) {
                rewritten.add(path);
            }
        }
        if (!rewritten.isEmpty()) {
            verdict.reason("a refactoring adds tests and leaves the existing ones as they are; the change rewrites"
                    + " lines of " + String.join(", ", rewritten.subList(0, Math.min(5, rewritten.size()))));
        }
        List<String> unpinned = tdd.alreadyPassing().stream()
                .filter(id -> changed.get(id) != TestReports.Outcome.PASSED)
                .limit(5)
                .toList();
        if (!unpinned.isEmpty()) {
            verdict.reason(
                    "pinning tests that passed before the change do not pass with it: " + String.join(", ", unpinned));
        }
        if (!change.tests().isEmpty() && tdd.alreadyPassing().isEmpty()) {
            verdict.reason("refactoring not pinned: no new test ran and passed on today's code (the base with only"
                    + " the change's tests applied)");
        }
        if (!tdd.failToPass().isEmpty()) {
            verdict.reason(
                    "not a refactoring: behaviour changed, these tests fail without the change and pass with it: "
                            + String.join(
                                    ", ",
                                    tdd.failToPass()
                                            .subList(
                                                    0,
                                                    Math.min(5, tdd.failToPass().size()))));
        }
        if (change.production().isEmpty()) {
            verdict.reason("refactoring changes no production code");
        }
    }

    private static void judgeTests(
            Verdict verdict, ChangeSet change, TddProof tdd, Map<String, TestReports.Outcome> changed) {
        int n = 0;
        for (TestCase t : tdd.regressions()) {
            if (n++ < MAX_REASONS_PER_KIND) {
                verdict.reason(
                        "regression: " + t.id() + " passed on the base and fails with the change: " + t.message());
            }
        }
        for (TestCase t : tdd.newFailures()) {
            if (n++ < MAX_REASONS_PER_KIND) {
                verdict.reason("failing test: " + t.id() + ": " + t.message());
            }
        }
        for (TestRemovals.Removal removal : tdd.removed()) {
            if (removal.fails() && n++ < MAX_REASONS_PER_KIND) {
                verdict.reason(removal.describe());
            }
        }
        if (verdict.refactoring()) {
            judgeRefactoring(verdict, change, tdd, changed);
        } else if (!change.tests().isEmpty() && tdd.failToPass().isEmpty()) {
            verdict.reason(
                    tdd.alreadyPassing().isEmpty()
                            ? "not test-driven: no test fails without the change and passes with it"
                            : "not test-driven: the new tests already pass without the change: "
                                    + String.join(
                                            ", ",
                                            tdd.alreadyPassing()
                                                    .subList(
                                                            0,
                                                            Math.min(
                                                                    5,
                                                                    tdd.alreadyPassing()
                                                                            .size()))));
        }
    }

    /** A removed line that says something: not blank, not an import. */
    private static boolean substantive(String line) {
        String text = line.strip();
        return !text.isEmpty()
                && !text.startsWith("import ")
                && !(text.startsWith("from ") && text.contains(" import "))
                && !(text.matches("(const|let|var) .*") && text.contains("require("));
    }

    private static QaReport.Coverage coverage(
            Path ws, BuildPlan plan, ChangeSet change, Verdict verdict, List<String> problems) throws IOException {
        return CoverageCheck.of(
                ws, plan, change, matching(ws, String.valueOf(plan.coverageReport())), verdict::reason, problems);
    }

    private record Suite(SandboxResult result, List<TestCase> cases) {}

    /**
     * What is read from the base before the change runs: the allowance for removed tests and the two
     * trees the account of missing tests reads, and the repository's own Checkstyle configuration.
     */
    private record Removals(List<PathMatcher> allowed, Trees.Tree base, Trees.Tree changed, Path checkstyle) {}

    private Suite suite(Path ws, BuildPlan plan, String name, Map<String, QaReport.Run> runs, Path cache)
            throws IOException {
        reportsDirectory(ws);
        // Reports in the tree before the run (shipped in the patch, left by another run) are not its own.
        for (String glob : plan.reports()) {
            for (Path stale : matching(ws, glob)) {
                Files.delete(stale);
            }
        }
        if (plan.coverageReport() != null) {
            for (Path stale : matching(ws, plan.coverageReport())) {
                Files.delete(stale);
            }
        }
        List<Path> readable = new ArrayList<>(List.of(cache));
        Path modules = ws.resolve("node_modules");
        if (Files.isDirectory(modules, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            readable.add(modules); // fetched once; no run may change it for the next
        }
        SandboxResult result =
                sandbox.run(ws, plan.test(), limits.test(), new SandboxAccess(false, List.of(), readable));
        List<TestCase> cases = List.of();
        if (result.outcome() == SandboxResult.Outcome.COMPLETED) {
            try {
                cases = testReports.read(ws, plan.reports());
            } catch (IOException e) {
                log.info("Unreadable test report in the {} run: {}", name, e.getMessage());
            }
        }
        runs.put(name, run(result, cases.size()));
        return new Suite(result, cases);
    }

    /** {@code .fleet/reports}, where reporters that do not create their directory write. */
    private static void reportsDirectory(Path ws) throws IOException {
        Path fleet = ws.resolve(".fleet");
        if (Files.isSymbolicLink(fleet) || Files.isSymbolicLink(fleet.resolve("reports"))) {
            throw new LinkedReportsException();
        }
        Files.createDirectories(fleet.resolve("reports"));
    }

    private static void apply(Workspace workspace, String diff) throws WorkspaceException {
        if (!diff.isEmpty()) {
            workspace.applyDiff(diff);
        }
    }

    private static QaReport.Run run(SandboxResult result, int tests) {
        return new QaReport.Run(
                result.outcome().name(),
                result.exitCode(),
                result.millis(),
                result.peakMemoryBytes(),
                tests,
                result.reason());
    }

    private static QaReport.Tests counts(List<TestCase> cases) {
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (TestCase t : cases) {
            switch (t.outcome()) {
                case PASSED -> passed++;
                case FAILED, ERROR -> failed++;
                case SKIPPED -> skipped++;
            }
        }
        return new QaReport.Tests(cases.size(), passed, failed, skipped);
    }

    static List<Path> matching(Path ws, String glob) throws IOException {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        PathMatcher top =
                glob.startsWith("**/") ? FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)) : matcher;
        try (Stream<Path> walk = Files.walk(ws)) {
            return walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> matcher.matches(ws.relativize(p)) || top.matches(ws.relativize(p)))
                    .sorted()
                    .toList();
        }
    }

    /**
     * What a failed run said about why: Maven's first {@code [ERROR]} lines (a compilation error, a
     * forked VM that crashed), not the advice it ends with; else the last lines.
     */
    static String failureLines(String output) {
        List<String> errors = output.lines()
                .filter(l -> l.startsWith("[ERROR]"))
                .map(l -> l.substring(7).strip())
                .filter(l -> !l.isEmpty() && !MAVEN_ADVICE.matcher(l).find())
                .distinct()
                .limit(3)
                .toList();
        return errors.isEmpty() ? lastLines(output, 5) : String.join(" | ", errors);
    }

    private static String lastLines(String output, int n) {
        List<String> lines = output.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** The tree links {@code .fleet}, where reports are written, somewhere else: refused, never followed. */
    private static final class LinkedReportsException extends IOException {
        LinkedReportsException() {
            super("the tree makes .fleet (where QA writes its reports) a symbolic link; refused");
        }
    }

    /**
     * The reasons collected so far; none means PASSED. {@code refactoring}: the change is judged as
     * one of the fleet's refactorings.
     */
    private static final class Verdict {
        private final List<String> reasons = new ArrayList<>();
        private final boolean refactoring;

        Verdict() {
            this(false);
        }

        Verdict(boolean refactoring) {
            this.refactoring = refactoring;
        }

        boolean refactoring() {
            return refactoring;
        }

        void reason(String reason) {
            reasons.add(reason);
        }

        List<String> reasons() {
            return List.copyOf(reasons);
        }

        QaReport refused(String repository, String base, String patchHash, String reason) {
            return new QaReport(
                    QaReport.SCHEMA_VERSION,
                    QaReport.FAILED,
                    List.of(reason),
                    repository,
                    base,
                    patchHash,
                    null,
                    Map.of(),
                    new QaReport.Tests(0, 0, 0, 0),
                    List.of(),
                    null,
                    null,
                    List.of(),
                    List.of());
        }
    }
}
