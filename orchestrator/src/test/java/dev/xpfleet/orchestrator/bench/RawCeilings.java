package dev.xpfleet.orchestrator.bench;

import dev.xpfleet.common.testing.IsolatedServices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plain speed of the same PostgreSQL and Redis, measured with their own tools in the same
 * run, so the fleet's figures can be given as a share of what the machine can do at all.
 */
final class RawCeilings {

    /** One task row and one outbox row in one transaction: intake's bare minimum. */
    private static final String TASK_AND_OUTBOX = """
            WITH t AS (
              INSERT INTO tasks (id, repository, title, state, mode, max_iters, created_by)
              VALUES (gen_random_uuid(), 'bench/raw', 'raw', 'QUEUED', 'LINEAR', 5, 'pgbench') RETURNING id)
            INSERT INTO outbox_events (task_id, event_id, role, type, envelope, status)
            SELECT id, gen_random_uuid(), 'dev', 'bench.raw', '{}', 'PUBLISHED' FROM t;
            """;

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern RPS = Pattern.compile(":\\s*([0-9.]+) requests per second");

    private final IsolatedServices services;

    RawCeilings(IsolatedServices services) {
        this.services = services;
    }

    /**
     * pgbench transactions per second. The outbox row is written as already published, so the
     * relays running later never see these rows; the partial indexes on unpublished rows are
     * spared, which makes this ceiling a little higher than the real path, never lower.
     */
    double pgbenchTps(int clients, int seconds) throws IOException, InterruptedException {
        Path script = Files.createTempFile("fleet-bench", ".sql");
        try {
            Files.writeString(script, TASK_AND_OUTBOX);
            var pg = services.endpoints().postgres();
            List<String> command = List.of(
                    "pgbench",
                    "-n",
                    "-c",
                    String.valueOf(clients),
                    "-j",
                    String.valueOf(Math.min(clients, Runtime.getRuntime().availableProcessors())),
                    "-T",
                    String.valueOf(seconds),
                    "-f",
                    script.toString(),
                    "-h",
                    pg.host(),
                    "-p",
                    String.valueOf(pg.port()),
                    "-U",
                    pg.user(),
                    services.database());
            String output = run(command, Map.of("PGPASSWORD", pg.password()));
            return parse(TPS, output, "pgbench");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** redis-benchmark XADD (with the relay's MAXLEN ~ trimming) requests per second. */
    double xaddRate(int clients, int requests) throws IOException, InterruptedException {
        var redis = services.endpoints().redis();
        String key = services.redisPrefix() + "bench:raw-xadd";
        List<String> command = new ArrayList<>(List.of(
                "redis-benchmark",
                "-h",
                redis.host(),
                "-p",
                String.valueOf(redis.port()),
                "-c",
                String.valueOf(clients),
                "-n",
                String.valueOf(requests),
                "-q",
                "XADD",
                key,
                "MAXLEN",
                "~",
                "100000",
                "*",
                "envelope",
                "x".repeat(400)));
        String output = run(command, Map.of());
        run(List.of("redis-cli", "-h", redis.host(), "-p", String.valueOf(redis.port()), "DEL", key), Map.of());
        return parse(RPS, output, "redis-benchmark");
    }

    private static double parse(Pattern pattern, String output, String tool) {
        Matcher m = pattern.matcher(output);
        double last = -1;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        if (last < 0) {
            throw new IllegalStateException(tool + " printed no figure:\n" + output);
        }
        return last;
    }

    private static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " failed:\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
