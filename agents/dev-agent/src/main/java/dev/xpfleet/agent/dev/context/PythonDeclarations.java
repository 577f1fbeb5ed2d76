package dev.xpfleet.agent.dev.context;

import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxAccess;
import dev.xpfleet.common.sandbox.SandboxLimits;
import dev.xpfleet.common.sandbox.SandboxResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Top-level declarations of Python files, read by Python's own parser ({@code ast}, which parses
 * and never runs the code), in the sandbox like all work on repository files, in one process for
 * all of them. Python in isolated mode: the repository is not on its path.
 */
public final class PythonDeclarations implements Function<List<String>, Map<String, List<String>>> {

    static final String SCRIPT = """
            import ast, json, sys
            out = {}
            for path in sys.argv[1:]:
                try:
                    with open(path, encoding='utf-8') as f:
                        tree = ast.parse(f.read(), path)
                except Exception:
                    continue
                decls = []
                for node in tree.body:
                    if isinstance(node, ast.ClassDef):
                        decls.append('class ' + node.name)
                        for sub in node.body:
                            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and not sub.name.startswith('__'):
                                decls.append('  def ' + sub.name + '(' + ', '.join(a.arg for a in sub.args.args) + ')')
                    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        decls.append('def ' + node.name + '(' + ', '.join(a.arg for a in node.args.args) + ')')
                out[path] = decls[:25]
            print(json.dumps(out))
            """;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(30), 256L * 1024 * 1024, 16);

    private final Sandbox sandbox;
    private final Path workspace;

    public PythonDeclarations(Sandbox sandbox, Path workspace) {
        this.sandbox = sandbox;
        this.workspace = workspace;
    }

    @Override
    public Map<String, List<String>> apply(List<String> files) {
        List<String> argv = new ArrayList<>(List.of("python3", "-I", "-B", "-c", SCRIPT));
        argv.addAll(files);
        SandboxResult result = sandbox.run(workspace, argv, LIMITS, SandboxAccess.OFFLINE);
        Map<String, List<String>> out = new HashMap<>();
        if (result.outcome() != SandboxResult.Outcome.COMPLETED || result.exitCode() != 0 || result.output() == null) {
            return out;
        }
        String last = result.output().strip().lines().reduce((a, b) -> b).orElse("{}");
        try {
            JsonNode parsed = JSON.readTree(last);
            for (var field : parsed.properties()) {
                List<String> decls = new ArrayList<>();
                field.getValue().forEach(d -> decls.add(d.asString("")));
                out.put(field.getKey(), decls);
            }
        } catch (JacksonException e) {
            // Cut or garbled output: the files stay in the map by name.
        }
        return out;
    }
}
