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

    /**
     * What one intake of an {@code issues.labeled} delivery asks of PostgreSQL, statement by
     * statement as WebhookIntake, TaskRepository.createStarted, AuditTrail and Outbox send them
     * (keep it in step with them): the delivery row, the task already in its first working state
     * (its insert is the active-task check), the audit row, the outbox row (written as published,
     * as above) and the delivery's outcome. Run by pgbench's C client, it is the intake rate a free
     * orchestrator and a free sender would reach on this database: the ceiling for intake itself.
     */
    private static final String INTAKE_STATEMENTS = """
            \\set n random(1, 2000000000)
            \\set r random(1, 2000000000)
            BEGIN;
            INSERT INTO webhook_deliveries (delivery_id, event, action, repository, sender, outcome) VALUES ('pgbench-' || :n || '-' || :r, 'issues', 'labeled', 'bench/pgbench' || :r, 'octocat', 'RECEIVED') ON CONFLICT (delivery_id) DO NOTHING;
            INSERT INTO tasks (id, repository, issue_number, title, body, state, mode, iteration, version, max_iters, max_iters_explicit, created_by, stage_entered_at) VALUES (md5(:n || '-' || :r)::uuid, 'bench/pgbench' || :r, :n, 'Spelling error in the README file', repeat('It looks like you accidently spelled commit with two ts. ', 8), 'DEVELOPING', 'LINEAR', 1, 2, 5, false, 'octocat', jsonb_build_object('RECEIVED', now(), 'QUEUED', now(), CAST('DEVELOPING' AS text), now())) ON CONFLICT (repository, issue_number) WHERE issue_number IS NOT NULL AND state NOT IN ('MERGED', 'FAILED', 'CANCELLED') DO NOTHING RETURNING *;
            INSERT INTO audit_trail (task_id, actor, action, detail) VALUES (md5(:n || '-' || :r)::uuid, 'octocat', 'task.created', CAST('{"delivery":"d","mode":"LINEAR"}' AS jsonb));
            INSERT INTO outbox_events (task_id, event_id, role, type, envelope, status) VALUES (md5(:n || '-' || :r)::uuid, gen_random_uuid(), 'dev', 'dev.implement', repeat('{"issue":"text"}', 60), 'PUBLISHED');
            UPDATE webhook_deliveries SET outcome = 'TASK_CREATED', detail = 'LINEAR task started: DEVELOPING', task_id = md5(:n || '-' || :r)::uuid WHERE delivery_id = 'pgbench-' || :n || '-' || :r;
            COMMIT;
            """;

    /**
     * The statements intake sent until 2026-12-02 (issue 13's reference ceiling): the same rows,
     * with an active-task read before the task's insert and the task written as received, then
     * moved to QUEUED and to DEVELOPING by two checked updates.
     */
    private static final String INTAKE_STATEMENTS_BEFORE = """
            \\set n random(1, 2000000000)
            \\set r random(1, 2000000000)
            BEGIN;
            INSERT INTO webhook_deliveries (delivery_id, event, action, repository, sender, outcome) VALUES ('pgbench-b' || :n || '-' || :r, 'issues', 'labeled', 'bench/pgbench' || :r, 'octocat', 'RECEIVED') ON CONFLICT (delivery_id) DO NOTHING;
            SELECT * FROM tasks WHERE repository = 'bench/pgbench-b' || :r AND issue_number = :n AND state NOT IN ('MERGED', 'FAILED', 'CANCELLED');
            INSERT INTO tasks (id, repository, issue_number, title, body, state, mode, max_iters, created_by, stage_entered_at) VALUES (md5('b' || :n || '-' || :r)::uuid, 'bench/pgbench-b' || :r, :n, 'Spelling error in the README file', repeat('It looks like you accidently spelled commit with two ts. ', 8), 'RECEIVED', 'LINEAR', 5, 'octocat', jsonb_build_object('RECEIVED', now())) RETURNING *;
            UPDATE tasks SET state = 'QUEUED', version = version + 1, updated_at = now(), iteration = iteration + 0, stage_entered_at = stage_entered_at || jsonb_build_object(CAST('QUEUED' AS text), now()) WHERE id = md5('b' || :n || '-' || :r)::uuid AND version = 0 AND state = 'RECEIVED' RETURNING *;
            INSERT INTO audit_trail (task_id, actor, action, detail) VALUES (md5('b' || :n || '-' || :r)::uuid, 'octocat', 'task.created', CAST('{"delivery":"d","mode":"LINEAR"}' AS jsonb));
            UPDATE tasks SET state = 'DEVELOPING', version = version + 1, updated_at = now(), iteration = iteration + 1, stage_entered_at = stage_entered_at || jsonb_build_object(CAST('DEVELOPING' AS text), now()) WHERE id = md5('b' || :n || '-' || :r)::uuid AND version = 1 AND state = 'QUEUED' RETURNING *;
            INSERT INTO outbox_events (task_id, event_id, role, type, envelope, status) VALUES (md5('b' || :n || '-' || :r)::uuid, gen_random_uuid(), 'dev', 'dev.implement', repeat('{"issue":"text"}', 60), 'PUBLISHED');
            UPDATE webhook_deliveries SET outcome = 'TASK_CREATED', detail = 'LINEAR task started: DEVELOPING', task_id = md5('b' || :n || '-' || :r)::uuid WHERE delivery_id = 'pgbench-b' || :n || '-' || :r;
            COMMIT;
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
        return pgbench(TASK_AND_OUTBOX, clients, seconds);
    }

    /** pgbench transactions per second for {@link #INTAKE_STATEMENTS}. */
    double intakeStatementsTps(int clients, int seconds) throws IOException, InterruptedException {
        return pgbench(INTAKE_STATEMENTS, clients, seconds);
    }

    /** pgbench transactions per second for {@link #INTAKE_STATEMENTS_BEFORE}. */
    double intakeStatementsBeforeTps(int clients, int seconds) throws IOException, InterruptedException {
        return pgbench(INTAKE_STATEMENTS_BEFORE, clients, seconds);
    }

    private double pgbench(String transaction, int clients, int seconds) throws IOException, InterruptedException {
        Path script = Files.createTempFile("fleet-bench", ".sql");
        try {
            Files.writeString(script, transaction);
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
