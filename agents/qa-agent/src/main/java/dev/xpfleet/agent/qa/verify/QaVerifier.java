package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.agent.qa.build.BuildDetector;
import dev.xpfleet.agent.qa.build.BuildPlan;
import dev.xpfleet.agent.qa.build.TestReports;
import dev.xpfleet.agent.qa.build.TestReports.TestCase;
import dev.xpfleet.agent.qa.change.ChangeSet;
import dev.xpfleet.agent.qa.coverage.ChangedLinesCoverage;
import dev.xpfleet.agent.qa.coverage.LineCoverage;
import dev.xpfleet.agent.qa.findings.Analysers;
import dev.xpfleet.agent.qa.findings.Finding;
import dev.xpfleet.agent.qa.proof.TddProof;
import dev.xpfleet.agent.qa.sandbox.Sandbox;
import dev.xpfleet.agent.qa.sandbox.SandboxAccess;
import dev.xpfleet.agent.qa.sandbox.SandboxResult;
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
        try {
            return judge(workspace, repository, diff, patchHash, dependencyCache);
        } catch (LinkedReportsException e) {
            return new Verdict().refused(repository, workspace.baseCommit(), patchHash, e.getMessage());
        }
    }

    private QaReport judge(Workspace workspace, String repository, String diff, String patchHash, Path dependencyCache)
            throws IOException {
        Verdict verdict = new Verdict();
        ChangeSet change;
        try {
            change = ChangeSet.parse(diff);
        } catch (IllegalArgumentException e) {
            return verdict.refused(
                    repository, workspace.baseCommit(), patchHash, "the patch is unusable: " + e.getMessage());
        }
        Path ws = workspace.dir();
        BuildPlan plan;
        try {
            plan = detector.detect(ws, dependencyCache);
        } catch (IllegalArgumentException e) {
            return verdict.refused(repository, workspace.baseCommit(), patchHash, e.getMessage());
        }
        Map<String, QaReport.Run> runs = new LinkedHashMap<>();

        try {
            apply(workspace, diff);
        } catch (WorkspaceException e) {
            return verdict.refused(
                    repository,
                    workspace.baseCommit(),
                    patchHash,
                    "the patch does not apply on " + workspace.baseCommit() + ": " + e.getMessage());
        }
        Prefetch.Result prefetch = new Prefetch(sandbox, limits.prefetch()).fetch(ws, plan, dependencyCache);
        if (prefetch.run() != null) {
            runs.put("prefetch", prefetch.run());
        }
        if (prefetch.failure() != null) {
            verdict.reason(prefetch.failure());
        }

        workspace.reset(KEEP);
        SandboxAccess offline = SandboxAccess.reading(dependencyCache);
        Suite base = suite(ws, plan, "base", runs, offline);

        List<TestCase> testsOnly = List.of();
        if (change.tests().isEmpty()) {
            verdict.reason("not test-driven: the change adds or changes no test");
        } else {
            workspace.reset(KEEP);
            apply(workspace, change.testsOnlyDiff());
            testsOnly = suite(ws, plan, "testsOnly", runs, offline).cases();
        }

        workspace.reset(KEEP);
        apply(workspace, diff);
        Suite changed = suite(ws, plan, "changed", runs, offline);
        if (changed.result().outcome() != SandboxResult.Outcome.COMPLETED) {
            verdict.reason("the test run " + changed.result().reason());
        } else if (changed.cases().isEmpty()) {
            verdict.reason("the test run reported no tests (" + changed.result().reason() + "): "
                    + lastLines(changed.result().output(), 5));
        }

        TddProof tdd = TddProof.of(base.cases(), testsOnly, changed.cases());
        judgeTests(verdict, change, tdd);
        List<String> problems = new ArrayList<>();
        QaReport.Coverage coverage = coverage(ws, plan, change, verdict, problems);
        long analysisStart = System.nanoTime();
        Analysers.Result analysis = analysers.analyse(ws, plan, change, dependencyCache);
        runs.put(
                "analysis",
                new QaReport.Run(
                        "COMPLETED",
                        0,
                        (System.nanoTime() - analysisStart) / 1_000_000,
                        analysis.peakMemoryBytes(),
                        0,
                        analysis.problems().isEmpty() ? "analysed" : String.join("; ", analysis.problems())));
        problems.addAll(analysis.problems());
        int listed = 0;
        for (Finding finding : analysis.findings()) {
            if (listed++ < MAX_REASONS_PER_KIND * 2) {
                verdict.reason(finding.describe());
            }
        }
        List<TestCase> failing = changed.cases().stream()
                .filter(t -> t.outcome() == TestReports.Outcome.FAILED || t.outcome() == TestReports.Outcome.ERROR)
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
                analysis.findings(),
                problems);
    }

    private static void judgeTests(Verdict verdict, ChangeSet change, TddProof tdd) {
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
        if (!change.tests().isEmpty() && tdd.failToPass().isEmpty()) {
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

    private QaReport.Coverage coverage(
            Path ws, BuildPlan plan, ChangeSet change, Verdict verdict, List<String> problems) throws IOException {
        List<Path> reports = plan.coverageReport() == null ? List.of() : matching(ws, plan.coverageReport());
        if (reports.isEmpty()) {
            if (!change.production().isEmpty()) {
                verdict.reason("no coverage report at " + plan.coverageReport()
                        + ": coverage of the changed lines cannot be shown");
            }
            return null;
        }
        int executable = 0;
        int covered = 0;
        Map<String, List<Integer>> missed = new LinkedHashMap<>();
        double totalSum = 0;
        int totals = 0;
        for (Path report : reports) {
            LineCoverage lines;
            try {
                lines = LineCoverage.read(report);
            } catch (IOException | RuntimeException e) {
                problems.add("coverage report " + ws.relativize(report) + " unreadable: " + e.getMessage());
                continue;
            }
            ChangedLinesCoverage c = ChangedLinesCoverage.of(change, lines);
            executable += c.executable();
            covered += c.covered();
            c.missed()
                    .forEach((file, l) -> missed.merge(
                            file,
                            l,
                            (x, y) -> Stream.concat(x.stream(), y.stream())
                                    .distinct()
                                    .sorted()
                                    .toList()));
            if (lines.total() >= 0) {
                totalSum += lines.total();
                totals++;
            }
        }
        double ratio = executable == 0 ? 1.0 : (double) covered / executable;
        if (ratio + 1e-9 < plan.changedLinesCoverage()) {
            verdict.reason("coverage of changed lines %.0f%% is below %.0f%%; not run by any test: %s"
                    .formatted(ratio * 100, plan.changedLinesCoverage() * 100, describe(missed)));
        }
        return new QaReport.Coverage(
                totals == 0 ? null : totalSum / totals,
                ratio,
                executable,
                covered,
                plan.changedLinesCoverage(),
                missed);
    }

    private record Suite(SandboxResult result, List<TestCase> cases) {}

    private Suite suite(Path ws, BuildPlan plan, String name, Map<String, QaReport.Run> runs, SandboxAccess access)
            throws IOException {
        reportsDirectory(ws);
        SandboxResult result = sandbox.run(ws, plan.test(), limits.test(), access);
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

    private static List<Path> matching(Path ws, String glob) throws IOException {
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

    private static String describe(Map<String, List<Integer>> missed) {
        List<String> parts = new ArrayList<>();
        missed.forEach((file, lines) -> parts.add(file + " lines " + lines));
        String text = String.join("; ", parts);
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
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

    /** The reasons collected so far; none means PASSED. */
    private static final class Verdict {
        private final List<String> reasons = new ArrayList<>();

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
