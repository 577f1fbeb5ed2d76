package dev.xpfleet.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A service's packaged jar (from {@code target/}), run as its own process like an operator would. */
public final class ServiceJar {

    private final Path jar;

    private ServiceJar(Path jar) {
        this.jar = jar;
    }

    /** A jar at a known path (benchmarks run from the project root, not the module). */
    public static ServiceJar at(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no jar at " + jar + "; build it first (./mvnw package)");
        }
        return new ServiceJar(jar);
    }

    /** The repackaged jar of the module under test; Failsafe runs after {@code package}. */
    public static ServiceJar of(String artifactId) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            Path jar = files.filter(p -> p.getFileName().toString().startsWith(artifactId + "-"))
                    .filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(p -> !p.getFileName().toString().contains("-tests"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no packaged jar of " + artifactId + " in target/"));
            return new ServiceJar(jar);
        }
    }

    /**
     * Starts the jar with the settings as environment variables (as deploy/local/fleet does) and
     * waits for it to exit; a service that is still running after 90 s is killed and reported.
     */
    public Outcome startExpectingFailure(Map<String, Object> settings) throws IOException, InterruptedException {
        Process process = builder(settings).redirectErrorStream(true).start();
        byte[] output;
        try {
            boolean exited = process.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("service did not stop on a wrong setting within 90 s");
            }
        } finally {
            output = process.getInputStream().readAllBytes();
        }
        return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /**
     * Starts the jar as a service that keeps running; its output goes to {@code log}. The caller
     * stops it, by its pid ({@link Process#destroyForcibly()} for a kill -9).
     */
    public Process start(Map<String, Object> settings, Path log) throws IOException {
        return builder(settings)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private ProcessBuilder builder(Map<String, Object> settings) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar.toString());
        if (!settings.containsKey("server.port")) {
            command.add("--server.port=0");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        settings.forEach((key, value) -> builder.environment().put(environmentName(key), String.valueOf(value)));
        return builder;
    }

    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", "");
    }

    /** How the process ended and what it printed. */
    public record Outcome(int exitCode, String output) {
        public long stackTraceLines() {
            return output.lines().filter(line -> line.startsWith("\tat ")).count();
        }
    }
}
