package dev.xpfleet.agent.review.findings;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxAccess;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.sandbox.SandboxResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The first check of a suggested replacement: it is offered only if the file still parses with it:
 * Java by JavaParser, JSON and YAML by their parsers, Python by Python's own compiler in the sandbox
 * (byte-compiled, never run: this also catches a {@code return} outside a function, which the parser
 * alone lets through). A file that did not parse before the suggestion is not judged; other
 * languages are not checked, and the finding says so. Java suggestions that pass go on to {@link
 * SuggestionBuild}, which compiles the change with them where Maven or Gradle builds it.
 */
public final class SuggestionCheck {

    static final String PYTHON = "import ast, sys\n"
            + "src = open(sys.argv[1], encoding='utf-8').read()\n"
            + "compile(src, sys.argv[1], 'exec', dont_inherit=True)\n";
    private static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(20), 256L * 1024 * 1024, 16);
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    private final Path workspace;
    private final Sandbox sandbox;

    /** @param sandbox for Python; null to leave Python unchecked */
    public SuggestionCheck(Path workspace, Sandbox sandbox) {
        this.workspace = workspace;
        this.sandbox = sandbox;
    }

    /**
     * @return null when the file parses with the suggestion; else why it is withheld or unchecked
     *     (a note starting with "withheld" means it breaks the file)
     */
    public String check(Finding finding) throws IOException {
        Path file = workspace.resolve(finding.file()).normalize();
        if (!file.startsWith(workspace) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return "withheld: " + finding.file() + " is not a file of the change";
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            return "not checked: the file is larger than 1 MB";
        }
        String before;
        try {
            before = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            return "not checked: the file is not UTF-8 text";
        }
        if (finding.line() < 1 || finding.line() > before.lines().count()) {
            return "withheld: line " + finding.line() + " is not in " + finding.file();
        }
        String after = applied(before, finding.line(), finding.suggestion());
        String name = finding.file().toLowerCase(Locale.ROOT);
        if (name.endsWith(".java")) {
            return judge(java(before), java(after));
        }
        if (name.endsWith(".json")) {
            return judge(json(before), json(after));
        }
        if (name.endsWith(".yml") || name.endsWith(".yaml")) {
            return judge(yaml(before), yaml(after));
        }
        if (name.endsWith(".py")) {
            return sandbox == null ? "not checked: no sandbox for Python" : python(file, after);
        }
        return "not checked: no parser for this kind of file";
    }

    /** {@code text} with line {@code line} (from 1, within the text) replaced by {@code suggestion}. */
    static String applied(String text, int line, String suggestion) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        lines.set(line - 1, suggestion);
        return String.join("\n", lines) + "\n";
    }

    private static String judge(String errorBefore, String errorAfter) {
        if (errorBefore != null) {
            return "not checked: the file does not parse even without the suggestion";
        }
        return errorAfter == null ? null : "withheld: with it the file no longer parses (" + errorAfter + ")";
    }

    private static String java(String source) {
        ParseResult<CompilationUnit> result = new JavaParser(
                        new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.BLEEDING_EDGE))
                .parse(source);
        return result.isSuccessful()
                ? null
                : result.getProblems().stream()
                        .findFirst()
                        .map(p -> p.getMessage().lines().findFirst().orElse("syntax error"))
                        .orElse("syntax error");
    }

    private static String json(String source) {
        try {
            JsonMapper.builder().build().readTree(source);
            return null;
        } catch (JacksonException e) {
            return e.getOriginalMessage();
        }
    }

    private static String yaml(String source) {
        try {
            new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(source).forEach(doc -> {});
            return null;
        } catch (RuntimeException e) {
            return String.valueOf(e.getMessage()).lines().findFirst().orElse("syntax error");
        }
    }

    /** Both versions in a scratch copy beside the workspace's file, parsed in the sandbox. */
    private String python(Path file, String after) throws IOException {
        Path scratch = Files.createTempDirectory(workspace, ".review-suggestion");
        try {
            Path before = scratch.resolve("before.py");
            Path changed = scratch.resolve("after.py");
            Files.copy(file, before);
            Files.writeString(changed, after, StandardCharsets.UTF_8);
            String errorBefore = pythonError(before);
            String errorAfter = errorBefore == null ? pythonError(changed) : null;
            return judge(errorBefore, errorAfter);
        } finally {
            dev.xpfleet.common.workspace.WorkspaceArchive.deleteTree(scratch);
        }
    }

    private String pythonError(Path file) {
        SandboxResult result = sandbox.run(
                workspace,
                List.of(
                        "python3",
                        "-I",
                        "-B",
                        "-c",
                        PYTHON,
                        workspace.relativize(file).toString()),
                LIMITS,
                SandboxAccess.OFFLINE);
        if (result.outcome() == SandboxResult.Outcome.COMPLETED && result.exitCode() == 0) {
            return null;
        }
        String output = result.output() == null ? "" : result.output();
        return output.lines()
                .filter(l -> l.contains("Error"))
                .reduce((a, b) -> b)
                .orElse("python could not parse it");
    }
}
