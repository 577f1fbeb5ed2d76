package dev.xpfleet.agent.dev.loop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The top-level modules the sandbox's Python can import (standard library, pytest and its plugins),
 * asked once of that Python in isolated mode (no repository on its path, no environment): a change
 * that adds a module of one of these names would run instead of it.
 */
public final class PythonModules {

    private static final String LIST = "import pkgutil, sys\n"
            + "print('\\n'.join(sorted({m.name for m in pkgutil.iter_modules()} | set(sys.builtin_module_names))))";

    private static volatile Set<String> installed;

    private PythonModules() {}

    public static Set<String> installed() {
        Set<String> known = installed;
        if (known == null) {
            known = ask();
            if (!known.isEmpty()) {
                installed = known; // an empty answer (no python3 yet, a hiccup) is asked again next time
            }
        }
        return known;
    }

    private static Set<String> ask() {
        // The sandbox's PATH, in its order: the Python the tests will run with.
        for (String dir : new String[] {"/usr/local/bin", "/usr/bin", "/bin"}) {
            Path python = Path.of(dir, "python3");
            if (!Files.isExecutable(python)) {
                continue;
            }
            try {
                Process process = new ProcessBuilder(python.toString(), "-I", "-c", LIST)
                        .directory(Path.of("/").toFile())
                        .redirectErrorStream(true)
                        .start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    return out.lines()
                            .map(String::strip)
                            .filter(l -> !l.isEmpty())
                            .collect(Collectors.toUnmodifiableSet());
                }
                process.destroyForcibly();
            } catch (IOException e) {
                return Set.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Set.of();
            }
        }
        return Set.of();
    }
}
