package dev.xpfleet.orchestrator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the CPU went between two readings: the orchestrator processes, this process (the load
 * generator), and the whole machine (from /proc/stat; the rest is PostgreSQL, Redis and whatever
 * else runs). Shown per delivery, it says which of them a faster intake would have to shrink.
 */
final class CpuMeter {

    /** /proc/stat counts in USER_HZ ticks, 100 a second on Linux. */
    private static final long TICK_NANOS = 10_000_000;

    private final List<ProcessHandle> orchestrators;
    private Reading start;

    CpuMeter(List<ProcessHandle> orchestrators) {
        this.orchestrators = orchestrators;
    }

    void start() throws IOException {
        start = read();
    }

    /** The CPU spent since {@link #start()}, per unit of work, as one line of text. */
    String perUnit(long units, String unit) throws IOException {
        Reading end = read();
        double orchestrator = (end.orchestratorNanos - start.orchestratorNanos) / 1e6 / units;
        double generator = (end.generatorNanos - start.generatorNanos) / 1e6 / units;
        double machine = (end.machineBusyNanos - start.machineBusyNanos) / 1e6 / units;
        double idle = (end.machineIdleNanos - start.machineIdleNanos) / 1e6 / units;
        return String.format(
                "CPU per %s: orchestrator %.2f ms, load generator %.2f ms, the rest (PostgreSQL, Redis, other)"
                        + " %.2f ms; machine busy %.2f ms, idle %.2f ms",
                unit, orchestrator, generator, machine - orchestrator - generator, machine, idle);
    }

    private Reading read() throws IOException {
        long orchestrator = 0;
        for (ProcessHandle p : orchestrators) {
            orchestrator += p.info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
        }
        long generator = ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .orElse(Duration.ZERO)
                .toNanos();
        // cpu  user nice system idle iowait irq softirq steal ...
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new Reading(orchestrator, generator, busy * TICK_NANOS, idle * TICK_NANOS);
    }

    private record Reading(long orchestratorNanos, long generatorNanos, long machineBusyNanos, long machineIdleNanos) {}
}
