package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.agent.qa.QaTestDirs;
import dev.xpfleet.agent.qa.findings.Analysers;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.sandbox.SandboxResult;
import dev.xpfleet.common.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wall time and peak memory of a whole QA run on a small Maven project and a small pytest project,
 * split by phase (sandbox start, prefetch, base run, tests-only run, changed run, analysis), beside
 * the plain {@code mvn test} / {@code pytest} of the same change measured in the same run, outside
 * the sandbox. Medians of {@code -Dbench.runs} (default 3) after one warm-up that fills the caches.
 * Run with {@code deploy/local/fleet bench qa}.
 */
public final class QaBenchmark {

    private static final Path WORK = QaTestDirs.work("qa-bench");
    private static final Path TOOLS = QaTestDirs.tools();

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 3);
        Sandbox sandbox = new Sandbox();
        SandboxLimits limits = new SandboxLimits(Duration.ofMinutes(10), 2L * 1024 * 1024 * 1024, 512);
        QaVerifier verifier = new QaVerifier(
                sandbox, new Analysers(sandbox, TOOLS, WORK.resolve("config"), limits), new QaLimits(limits, limits));
        System.out.printf(
                "QA benchmark, %d cores, medians of %d runs after a warm-up%n",
                Runtime.getRuntime().availableProcessors(), runs);
        System.out.printf(
                "sandbox start (`true` in the sandbox, median of 20): %d ms%n", sandboxStart(sandbox, limits));
        project(
                verifier,
                "maven",
                Projects.maven(),
                Projects.mavenGoodChange(),
                runs,
                cache -> List.of("mvn", "-B", "-q", "-o", "-Dmaven.repo.local=" + cache.resolve("m2"), "test"));
        project(
                verifier,
                "pytest",
                Projects.python(),
                Projects.pythonGoodChange(),
                runs,
                cache -> List.of("/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider"));
    }

    interface Raw {
        List<String> command(Path cache);
    }

    private static long sandboxStart(Sandbox sandbox, SandboxLimits limits) throws Exception {
        Path ws = Files.createDirectories(WORK.resolve("empty"));
        long[] millis = new long[20];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            SandboxResult r = sandbox.run(ws, List.of("true"), limits);
            if (r.outcome() != SandboxResult.Outcome.COMPLETED) {
                throw new IllegalStateException("the sandbox does not run here: " + r.reason());
            }
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        return median(millis);
    }

    private static void project(
            QaVerifier verifier, String name, Map<String, String> base, Map<String, String> change, int runs, Raw raw)
            throws Exception {
        Path cache = WORK.resolve("cache/" + name);
        TestRepository repo = TestRepository.of(WORK.resolve("repos"), base);
        String diff = repo.diff(change);
        Map<String, List<long[]>> phases = new LinkedHashMap<>();
        long[] total = new long[runs];
        long[] plain = new long[runs];
        long[] plainPeak = new long[runs];
        for (int i = -1; i < runs; i++) {
            long start = System.nanoTime();
            QaReport report;
            try (Workspace ws = repo.checkout()) {
                report = verifier.verify(ws, "bench/" + name, diff, Workspace.hashOf(diff), cache);
            }
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (!report.passed()) {
                throw new IllegalStateException(name + ": the good change did not pass: " + report.reasons());
            }
            if (i < 0) {
                System.out.printf(
                        "%s: warm-up (cold caches) %d ms, prefetch %d ms%n",
                        name,
                        elapsed,
                        report.runs().containsKey("prefetch")
                                ? report.runs().get("prefetch").millis()
                                : 0);
                continue;
            }
            total[i] = elapsed;
            report.runs()
                    .forEach((phase, run) -> phases.computeIfAbsent(phase, k -> new ArrayList<>())
                            .add(new long[] {run.millis(), run.peakMemoryBytes()}));
            long[] measured = plainRun(repo, diff, raw.command(cache));
            plain[i] = measured[0];
            plainPeak[i] = measured[1];
        }
        System.out.printf(
                "%s: plain `%s` outside the sandbox: %d ms, peak %d MB%n",
                name,
                String.join(" ", raw.command(cache)).replace(cache.toString(), "<cache>"),
                median(plain),
                median(plainPeak) / (1024 * 1024));
        System.out.printf("  %-10s %10s %12s%n", "phase", "median ms", "peak MB");
        phases.forEach((phase, values) -> System.out.printf(
                "  %-10s %10d %12d%n",
                phase,
                median(values.stream().mapToLong(v -> v[0]).toArray()),
                values.stream().mapToLong(v -> v[1]).max().orElse(0) / (1024 * 1024)));
        long qa = median(total);
        long changed =
                median(phases.get("changed").stream().mapToLong(v -> v[0]).toArray());
        System.out.printf(
                "  %-10s %10d   = %.1f x the plain run; the changed run alone = %.1f x%n",
                "QA total", qa, (double) qa / median(plain), (double) changed / median(plain));
    }

    /** The change applied, the plain test command under /usr/bin/time: {millis, peak bytes}. */
    private static long[] plainRun(TestRepository repo, String diff, List<String> command) throws Exception {
        try (Workspace ws = repo.checkout()) {
            ws.applyDiff(diff);
            List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "-f", "xpfleet-time %e %M"));
            argv.addAll(command);
            Process p = new ProcessBuilder(argv)
                    .directory(ws.dir().toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("plain run failed: " + out);
            }
            // Maven's -q output leaves colour codes without a newline before time's line.
            String line = out.substring(out.lastIndexOf("xpfleet-time ")).strip();
            String[] parts = line.split("\\s+");
            return new long[] {Math.round(Double.parseDouble(parts[1]) * 1000), Long.parseLong(parts[2]) * 1024};
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
