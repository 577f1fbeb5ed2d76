package dev.xpfleet.orchestrator.bench;

import dev.xpfleet.common.testing.IsolatedServices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Webhook intake and outbox relay of real orchestrator processes, with the raw ceilings of the
 * same PostgreSQL (pgbench) and Redis (redis-benchmark) measured in the same run. Run by {@code
 * deploy/local/fleet bench orchestrator}; see docs/benchmarks.md.
 */
public final class IntakeRelayBenchmark {

    private static final int CLIENTS = Integer.getInteger("bench.clients", 16);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int LAG_RATE = Integer.getInteger("bench.lag-rate", 1000);
    private static final int WARMUP = Integer.getInteger("bench.warmup-seconds", 45);
    private static final int DRAIN_ROWS = Integer.getInteger("bench.drain-rows", 50_000);

    private IntakeRelayBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("bench.jar", "orchestrator/target/orchestrator-0.1.0-SNAPSHOT.jar"));
        int cores = Runtime.getRuntime().availableProcessors();
        try (IsolatedServices services = IsolatedServices.create("bench-intake", true)) {
            BenchDatabase.migrated(services).close();
            RawCeilings raw = new RawCeilings(services);
            List<Double> tps = new ArrayList<>();
            List<Double> intakeTps = new ArrayList<>();
            List<Double> beforeTps = new ArrayList<>();
            List<Double> xadd1 = new ArrayList<>();
            List<Double> xadd16 = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
                tps.add(raw.pgbenchTps(CLIENTS, SECONDS / 2 + 1));
                intakeTps.add(raw.intakeStatementsTps(CLIENTS, SECONDS / 2 + 1));
                beforeTps.add(raw.intakeStatementsBeforeTps(CLIENTS, SECONDS / 2 + 1));
                xadd1.add(raw.xaddRate(1, 50_000));
                xadd16.add(raw.xaddRate(CLIENTS, 200_000));
            }
            double rawTps = Stats.median(tps);
            double rawXadd1 = Stats.median(xadd1);
            System.out.printf("machine: %d cores; %d rounds, medians%n", cores, ROUNDS);
            System.out.printf(
                    "raw pgbench, task+outbox insert, %d clients: %.0f tx/s (rounds %s)%n", CLIENTS, rawTps, tps);
            double intakeStatements = Stats.median(intakeTps);
            System.out.printf(
                    "PostgreSQL alone running intake's own statements (pgbench, %d clients, no HTTP, no JVM): %.0f tx/s"
                            + " = %.2f x raw (rounds %s)%n",
                    CLIENTS,
                    intakeStatements,
                    intakeStatements / rawTps,
                    intakeTps.stream().map(v -> Math.round(v)).toList());
            double before = Stats.median(beforeTps);
            System.out.printf(
                    "PostgreSQL alone running the statements intake sent before 2026-12-02 (issue 13's reference): %.0f tx/s"
                            + " = %.2f x raw (rounds %s)%n",
                    before,
                    before / rawTps,
                    beforeTps.stream().map(v -> Math.round(v)).toList());
            System.out.printf(
                    "raw redis-benchmark XADD MAXLEN~: 1 client %.0f/s, %d clients %.0f/s%n",
                    rawXadd1, CLIENTS, Stats.median(xadd16));
            for (String replicas : System.getProperty("bench.replicas", "1,3").split(",")) {
                measure(services, jar, Integer.parseInt(replicas.strip()), rawTps, intakeStatements, before, rawXadd1);
            }
        }
        System.exit(0);
    }

    private static void measure(
            IsolatedServices services,
            Path jar,
            int count,
            double rawTps,
            double intakeStatements,
            double before,
            double rawXadd)
            throws Exception {
        try (Replicas replicas = Replicas.start(count, services, jar)) {
            IntakeLoad intake = new IntakeLoad(replicas.ports());
            // JIT warm-up, not counted: as long per replica as for one, since each JVM compiles its own
            // code from the share of the deliveries it gets.
            intake.closedLoop(CLIENTS, WARMUP * count);
            List<Double> rates = new ArrayList<>();
            IntakeLoad.Result last = null;
            CpuMeter cpu = new CpuMeter(replicas.processes());
            cpu.start();
            long deliveries = 0;
            for (int r = 0; r < ROUNDS; r++) {
                last = intake.closedLoop(CLIENTS, SECONDS);
                rates.add(last.perSecond());
                deliveries += last.requests();
            }
            String cpuPerDelivery = cpu.perUnit(deliveries, "delivery");
            double rate = Stats.median(rates);
            System.out.printf(
                    "[%d replica%s] intake, %d concurrent signed deliveries: %.0f/s = %.2f x raw, %.2f x PostgreSQL alone"
                            + " running its statements, %.2f x the reference ceiling (rounds %s),"
                            + " p50 %.1f ms, p99 %.1f ms, errors %d%n",
                    count,
                    count == 1 ? "" : "s",
                    CLIENTS,
                    rate,
                    rate / rawTps,
                    rate / intakeStatements,
                    rate / before,
                    rates.stream().map(v -> Math.round(v)).toList(),
                    Stats.ms(last.p50Nanos()),
                    Stats.ms(last.p99Nanos()),
                    last.errors());
            System.out.printf("[%d replica%s] %s%n", count, count == 1 ? "" : "s", cpuPerDelivery);
            IntakeLoad.Result half = intake.openLoop(rate / 2, SECONDS);
            System.out.printf(
                    "[%d replica%s] intake at half that load (%.0f/s, open loop): p50 %.1f ms, p99 %.1f ms, errors %d%n",
                    count,
                    count == 1 ? "" : "s",
                    rate / 2,
                    Stats.ms(half.p50Nanos()),
                    Stats.ms(half.p99Nanos()),
                    half.errors());

            RelayLoad relay = new RelayLoad(services);
            long[] lags = relay.lagAt(LAG_RATE, SECONDS);
            System.out.printf(
                    "[%d replica%s] relay commit-to-XADD lag at %d rows/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d rows)%n",
                    count,
                    count == 1 ? "" : "s",
                    LAG_RATE,
                    Stats.ms(Stats.quantile(lags, 0.5)),
                    Stats.ms(Stats.quantile(lags, 0.99)),
                    Stats.ms(lags.length == 0 ? 0 : lags[lags.length - 1]),
                    lags.length);
            List<Double> drains = new ArrayList<>();
            for (int r = 0; r < ROUNDS; r++) {
                drains.add(relay.drainRate(DRAIN_ROWS));
            }
            double drain = Stats.median(drains);
            System.out.printf(
                    "[%d replica%s] relay drain of %d committed rows: %.0f rows/s = %.2f x raw 1-client XADD (rounds %s)%n",
                    count,
                    count == 1 ? "" : "s",
                    DRAIN_ROWS,
                    drain,
                    drain / rawXadd,
                    drains.stream().map(v -> Math.round(v)).toList());
        }
    }
}
