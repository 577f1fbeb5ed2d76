package dev.xpfleet.agent.qa.findings;

import dev.xpfleet.common.build.BuildPlan;
import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxAccess;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.sandbox.SandboxResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the analysers on a changed tree, each in the sandbox (they read files repository code
 * wrote): the repository's own linter when it configures one, else Checkstyle with the built-in
 * rules for Java; SpotBugs with FindSecBugs on the compiled classes of Java builds; secret scanning
 * of the added lines. Keeps what lies on added lines.
 */
public final class Analysers {

    private final Sandbox sandbox;
    private final Path tools;
    private final Path checkstyleConfig;
    private final SandboxLimits limits;

    /**
     * @param tools the analysers' jars ({@code lib/}, {@code plugins/}), built by the qa-tools module
     * @param configDir a directory the sandbox can read, where the built-in rules are written
     */
    public Analysers(Sandbox sandbox, Path tools, Path configDir, SandboxLimits limits) throws IOException {
        this.sandbox = sandbox;
        this.tools = tools.toAbsolutePath();
        this.limits = limits;
        Files.createDirectories(configDir);
        this.checkstyleConfig = configDir.resolve("checkstyle.xml").toAbsolutePath();
        try (InputStream rules = Analysers.class.getResourceAsStream("/qa/checkstyle.xml")) {
            Files.write(checkstyleConfig, rules.readAllBytes());
        }
        Files.setPosixFilePermissions(checkstyleConfig, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Why the analysers cannot run, or null when they can. */
    public String unavailableReason() {
        if (!Files.isDirectory(tools.resolve("lib")) || !Files.isDirectory(tools.resolve("plugins"))) {
            return "analyser jars not found at " + tools + " (build the qa-tools module; fleet.qa.tools-dir)";
        }
        return null;
    }

    /**
     * SpotBugs with FindSecBugs on the classes the changed run compiled (Java builds only).
     *
     * @return the run's peak memory
     */
    public long compiled(
            Path workspace, BuildPlan plan, ChangeSet change, List<Finding> findings, List<String> problems)
            throws IOException {
        return isJava(plan) ? spotbugs(workspace, change, findings, problems) : 0;
    }

    /**
     * The base tree's own Checkstyle configuration ({@link RepositoryCheckstyle}), copied where the
     * sandbox can read it; null when it has none. Delete it with {@link #forget} when done.
     */
    public Path repositoryCheckstyle(Path base) throws IOException {
        // Beside the built-in rules, not under them: each run reads its own copy, no other's.
        Path into = checkstyleConfig
                .getParent()
                .resolveSibling(checkstyleConfig.getParent().getFileName() + "-repositories")
                .resolve(java.util.UUID.randomUUID().toString());
        try {
            Path config = RepositoryCheckstyle.copy(base, into);
            if (config == null) {
                delete(into);
            } else {
                into.toFile().setReadable(true, false);
                into.toFile().setExecutable(true, false);
            }
            return config;
        } catch (IOException | RuntimeException e) {
            // Unreadable or odd: the built-in rules apply.
            log.info("The repository's Checkstyle configuration could not be read: {}", e.toString());
            delete(into);
            return null;
        }
    }

    /** Deletes a copy {@link #repositoryCheckstyle} made (the directory it made for it); null: nothing. */
    public void forget(Path copied) throws IOException {
        if (copied != null
                && copied.getParent().getParent().getFileName().toString().endsWith("-repositories")) {
            delete(copied.getParent());
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * Secret scanning, and the repository's linter or Checkstyle (with the repository's own
     * configuration from its base tree, else the built-in rules), on a tree freshly reset and
     * patched (not the one the tests ran in, which they could have rewritten).
     *
     * @param dependencyCache the repository's dependency cache, readable by its own linter
     * @param repositoryCheckstyle the base's own configuration ({@link #repositoryCheckstyle}), or null
     * @return the runs' peak memory
     */
    public long sources(
            Path workspace,
            BuildPlan plan,
            ChangeSet change,
            Path dependencyCache,
            Path repositoryCheckstyle,
            List<Finding> findings,
            List<String> problems)
            throws IOException {
        findings.addAll(new SecretScanner().scan(change));
        if (!plan.lint().isEmpty()) {
            SandboxResult lint = sandbox.run(workspace, plan.lint(), limits, SandboxAccess.reading(dependencyCache));
            if (lint.outcome() != SandboxResult.Outcome.COMPLETED) {
                problems.add("the linter " + lint.reason());
            } else if (lint.exitCode() != 0) {
                findings.addAll(AnalyserReports.printed(lint.output(), change));
            }
            return lint.peakMemoryBytes();
        }
        if (!isJava(plan)) {
            return 0;
        }
        if (repositoryCheckstyle != null) {
            List<String> own = new ArrayList<>();
            long peak = checkstyle(workspace, change, repositoryCheckstyle, findings, own);
            if (own.isEmpty()) {
                return peak;
            }
            // Written for another Checkstyle version (a module it does not know): the built-in rules.
            log.info("The repository's Checkstyle configuration could not be used, built-in rules instead: {}", own);
        }
        return checkstyle(workspace, change, checkstyleConfig, findings, problems);
    }

    /** @return the run's peak memory */
    private long checkstyle(
            Path workspace, ChangeSet change, Path config, List<Finding> findings, List<String> problems)
            throws IOException {
        List<String> files = change.files().stream()
                .filter(f -> !f.deleted() && f.path().endsWith(".java"))
                .map(ChangeSet.FileChange::path)
                .toList();
        if (files.isEmpty()) {
            return 0;
        }
        Path report = reports(workspace).resolve("checkstyle.xml");
        List<String> command = new ArrayList<>(List.of(
                "java",
                "-cp",
                tools.resolve("lib") + "/*",
                "com.puppycrawl.tools.checkstyle.Main",
                "-c",
                config.toString()));
        if (!config.equals(checkstyleConfig)) {
            // ${config_loc}, as the Maven and Gradle plugins set it: the configuration's directory.
            Path properties = config.resolveSibling("fleet-checkstyle.properties");
            Files.writeString(properties, "config_loc=" + config.getParent() + "\n");
            properties.toFile().setReadable(true, false);
            command.addAll(List.of("-p", properties.toString()));
        }
        command.addAll(List.of("-f", "xml", "-o", report.toString()));
        command.addAll(files);
        Files.deleteIfExists(report);
        SandboxAccess access = config.equals(checkstyleConfig)
                ? toolAccess()
                : SandboxAccess.reading(tools, checkstyleConfig.getParent(), config.getParent());
        SandboxResult run = sandbox.run(workspace, command, limits, access);
        if (run.outcome() != SandboxResult.Outcome.COMPLETED
                || !Files.isRegularFile(report)
                || run.output().contains("CheckstyleException")) {
            problems.add("checkstyle " + run.reason() + ": " + lastLine(run.output()));
            return run.peakMemoryBytes();
        }
        findings.addAll(AnalyserReports.checkstyle(report, workspace, change));
        return run.peakMemoryBytes();
    }

    /** @return the run's peak memory */
    private long spotbugs(Path workspace, ChangeSet change, List<Finding> findings, List<String> problems)
            throws IOException {
        if (change.production().stream().noneMatch(f -> !f.deleted() && f.path().endsWith(".java"))) {
            return 0;
        }
        List<String> classes = classDirectories(workspace);
        if (classes.isEmpty()) {
            problems.add("spotbugs: no compiled classes (target/classes or build/classes/java/main) to analyse");
            return 0;
        }
        Path report = reports(workspace).resolve("spotbugs.xml");
        List<String> command = new ArrayList<>(List.of("java", "-cp", tools.resolve("lib") + "/*"));
        command.addAll(List.of(
                "edu.umd.cs.findbugs.FindBugs2", "-quiet", "-pluginList", pluginList(), "-xml:withMessages=" + report));
        command.addAll(classes);
        SandboxResult run = sandbox.run(workspace, command, limits, toolAccess());
        if (run.outcome() != SandboxResult.Outcome.COMPLETED || !Files.isRegularFile(report)) {
            problems.add("spotbugs " + run.reason() + ": " + lastLine(run.output()));
            return run.peakMemoryBytes();
        }
        findings.addAll(AnalyserReports.spotbugs(report, change));
        return run.peakMemoryBytes();
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Analysers.class);

    private SandboxAccess toolAccess() {
        return SandboxAccess.reading(tools, checkstyleConfig.getParent());
    }

    private String pluginList() throws IOException {
        try (Stream<Path> jars = Files.list(tools.resolve("plugins"))) {
            return String.join(
                    ":",
                    jars.filter(p -> p.toString().endsWith(".jar"))
                            .map(Path::toString)
                            .sorted()
                            .toList());
        }
    }

    private static List<String> classDirectories(Path workspace) throws IOException {
        try (Stream<Path> walk = Files.walk(workspace, 6)) {
            return walk.filter(Files::isDirectory)
                    .filter(p -> !Files.isSymbolicLink(p))
                    .filter(p -> p.endsWith(Path.of("target", "classes"))
                            || p.endsWith(Path.of("build", "classes", "java", "main")))
                    .map(p -> workspace.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }

    private static Path reports(Path workspace) throws IOException {
        Path dir = workspace.resolve(".fleet/reports");
        if (Files.isSymbolicLink(workspace.resolve(".fleet")) || Files.isSymbolicLink(dir)) {
            throw new IOException("the workspace's .fleet directory is a link");
        }
        return Files.createDirectories(dir);
    }

    private static boolean isJava(BuildPlan plan) {
        return plan.tool() == BuildPlan.Tool.MAVEN || plan.tool() == BuildPlan.Tool.GRADLE;
    }

    private static String lastLine(String output) {
        List<String> lines = output.strip().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
