package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.agent.dev.context.PythonDeclarations;
import dev.xpfleet.agent.dev.context.RepositoryMap;
import dev.xpfleet.agent.dev.tools.PathRules;
import dev.xpfleet.agent.dev.tools.WorkspaceTools;
import dev.xpfleet.common.model.ModelGatewayClient.Message;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.Workspaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;

/**
 * The developer's own cost, without the model's: time the controller spends per turn by kind of
 * action (a scripted model that answers at once, so the gap between two asks is the controller's
 * work), sandbox start, a test run in the sandbox beside the same pytest outside it (the raw
 * ceiling), the repository map on this checkout and on a generated 10,000-file repository beside a
 * plain walk of the same tree, and the context a turn carries against the token limit. Run with
 * {@code deploy/local/fleet bench dev}.
 */
public final class DevBenchmark {

    private static final String TEST = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n";

    public static void main(String[] args) throws Exception {
        Path work = DevTestDirs.work("bench-" + System.nanoTime());
        System.out.printf(
                "Developer benchmark, %d cores%n", Runtime.getRuntime().availableProcessors());
        try (Workspace workspace = sample(work)) {
            perTurn(workspace);
            testRuns(workspace);
        }
        map(
                "this checkout",
                Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize());
        map("generated, 10,000 files", generated(work.resolve("big")));
        dev.xpfleet.common.workspace.WorkspaceArchive.deleteTree(work);
    }

    private static void perTurn(Workspace workspace) throws Exception {
        List<String> script = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            add(script, kinds, "read", ScriptedModel.call("{\"tool\": \"read\", \"path\": \"calc.py\"}"));
            add(script, kinds, "search", ScriptedModel.call("{\"tool\": \"search\", \"text\": \"add\"}"));
            add(script, kinds, "list", ScriptedModel.call("{\"tool\": \"list\"}"));
            add(
                    script,
                    kinds,
                    "edit",
                    ScriptedModel.edit(
                            "tests/test_calc.py",
                            "    assert add(2, 3) == 5\n",
                            "    assert add(2, 3) == 5  # " + i + "\n"));
            add(
                    script,
                    kinds,
                    "edit",
                    ScriptedModel.edit(
                            "tests/test_calc.py",
                            "    assert add(2, 3) == 5  # " + i + "\n",
                            "    assert add(2, 3) == 5\n"));
            if (i % 4 == 0) {
                add(script, kinds, "run (sandbox)", ScriptedModel.call("{\"tool\": \"run\", \"command\": \"true\"}"));
            }
        }
        TimedModel model = new TimedModel(script.toArray(String[]::new));
        PathRules rules = new PathRules(workspace.dir(), List.of());
        new DevLoop(
                        model,
                        new WorkspaceTools(workspace.dir(), rules),
                        runs(workspace),
                        new ChangeGuard(workspace, rules, PythonModules.installed()),
                        new LoopLimits(script.size(), Duration.ofMinutes(10), 10_000_000, 3, 2_000, 25, 1_000),
                        workspace)
                .run(new Brief("Add multiply", "calc needs multiply", null, "calc.py\ntests/test_calc.py", true));
        Map<String, List<Long>> byKind = new HashMap<>();
        for (int turn = 1; turn < model.asked.size(); turn++) {
            byKind.computeIfAbsent(kinds.get(turn - 1), k -> new ArrayList<>())
                    .add(model.asked.get(turn) - model.answered.get(turn - 1));
        }
        System.out.println("controller time per turn, model time excluded (p50 / p99, microseconds):");
        byKind.forEach((kind, times) -> System.out.printf(
                "  %-14s %6d / %6d  (%d turns)%n",
                kind, percentile(times, 50) / 1000, percentile(times, 99) / 1000, times.size()));
        long last = model.contextChars.getLast();
        System.out.printf(
                "context carried per turn: first %d tokens, after %d turns %d tokens (~chars/4),"
                        + " against the default limit of 200,000 summed over turns%n",
                model.contextChars.getFirst() / 4, model.contextChars.size(), last / 4);
    }

    private static void testRuns(Workspace workspace) throws Exception {
        SandboxRuns runs = runs(workspace);
        List<Long> sandboxed = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        List<Long> start = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long t = System.nanoTime();
            runs.tests(workspace);
            sandboxed.add(System.nanoTime() - t);
            t = System.nanoTime();
            Process p = new ProcessBuilder("/usr/bin/python3", "-B", "-m", "pytest", "-q", "-p", "no:cacheprovider")
                    .directory(workspace.dir().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor();
            plain.add(System.nanoTime() - t);
            t = System.nanoTime();
            runs.command(workspace.dir(), "true");
            start.add(System.nanoTime() - t);
        }
        System.out.printf("sandbox start (`true`), median of 7: %d ms%n", percentile(start, 50) / 1_000_000);
        System.out.printf(
                "pytest of the sample, median of 7: sandboxed with JUnit report %d ms, plain outside %d ms"
                        + " (raw ceiling) = %.2f x%n",
                percentile(sandboxed, 50) / 1_000_000,
                percentile(plain, 50) / 1_000_000,
                (double) percentile(sandboxed, 50) / percentile(plain, 50));
    }

    private static void map(String label, Path root) throws Exception {
        List<Long> mapped = new ArrayList<>();
        List<Long> walked = new ArrayList<>();
        int files = 0;
        int chars = 0;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            // The ceiling: listing the same files (build output and .git skipped), nothing else.
            files = RepositoryMap.files(root).size();
            walked.add(System.nanoTime() - t);
            t = System.nanoTime();
            chars = new RepositoryMap(new PythonDeclarations(new Sandbox(), root))
                    .render(root, "the outbox relay publishes rows in order; fix the retry backoff", 8_000)
                    .length();
            mapped.add(System.nanoTime() - t);
        }
        System.out.printf(
                "repository map, %s (%d files): median of 5 %d ms (map of %d chars); listing the same files"
                        + " alone %d ms%n",
                label, files, percentile(mapped, 50) / 1_000_000, chars, percentile(walked, 50) / 1_000_000);
    }

    private static Path generated(Path root) throws Exception {
        for (int i = 0; i < 10_000; i++) {
            Path file = root.resolve("pkg" + (i % 100))
                    .resolve(i % 2 == 0 ? "Module" + i + ".java" : "module_" + i + ".py");
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file,
                    i % 2 == 0
                            ? "package pkg; public class Module" + i + " { public void retry" + i
                                    + "(int backoff) {} }\n"
                            : "def relay_" + i + "(rows):\n    return rows\n");
        }
        return root;
    }

    private static SandboxRuns runs(Workspace workspace) throws Exception {
        return new SandboxRuns(
                new Sandbox(),
                new SandboxLimits(Duration.ofSeconds(60), 512L * 1024 * 1024, 128),
                TestCommand.detect(workspace.dir(), DevTestDirs.work("bench-cache")));
    }

    private static Workspace sample(Path work) throws Exception {
        Path repo = work.resolve("repo");
        try (Git git =
                Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            Files.createDirectories(repo.resolve("tests"));
            Files.writeString(repo.resolve("calc.py"), "def add(a, b):\n    return a + b\n");
            Files.writeString(repo.resolve("tests/test_calc.py"), TEST);
            git.add().addFilepattern(".").call();
            git.commit()
                    .setMessage("base")
                    .setAuthor("b", "b@localhost")
                    .setCommitter("b", "b@localhost")
                    .setSign(false)
                    .call();
        }
        return new Workspaces(work.resolve("workspaces")).cloneAt(repo.toUri().toString(), "HEAD", null);
    }

    private static void add(List<String> script, List<String> kinds, String kind, String answer) {
        script.add(answer);
        kinds.add(kind);
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** Answers at once and notes when it was asked and answered, and how long the context was. */
    private static final class TimedModel implements DevLoop.Model {
        private final ScriptedModel script;
        final List<Long> asked = new ArrayList<>();
        final List<Long> answered = new ArrayList<>();
        final List<Long> contextChars = new ArrayList<>();

        TimedModel(String... answers) {
            this.script = new ScriptedModel((Object[]) answers);
        }

        @Override
        public DevLoop.Turn ask(List<Message> messages, int turn, int maxTokens) {
            asked.add(System.nanoTime());
            contextChars.add(
                    messages.stream().mapToLong(m -> m.content().length()).sum());
            DevLoop.Turn answer = script.ask(messages, turn, maxTokens);
            answered.add(System.nanoTime());
            return answer;
        }
    }
}
