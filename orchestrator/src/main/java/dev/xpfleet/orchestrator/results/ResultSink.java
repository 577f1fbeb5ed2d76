package dev.xpfleet.orchestrator.results;

import dev.xpfleet.common.consumer.EnvelopeSink;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.orchestrator.support.DatabaseOutage;
import dev.xpfleet.orchestrator.task.TaskChangeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Where the results stream ends: each result applied in one transaction by {@link ResultApplier}.
 * A result that lost a race with another replica moving the same task is applied again at once
 * (the transaction rolled back); any other failure goes back to the runtime, which retries it and
 * dead-letters it after {@code fleet.results.max-deliveries}.
 */
final class ResultSink implements EnvelopeSink {

    private static final int STALE_ATTEMPTS = 3;

    private final ResultApplier applier;
    private final String stream;
    private final Counter applied;
    private final Counter duplicates;
    private final Timer lag;

    ResultSink(ResultApplier applier, String stream, MeterRegistry meters) {
        this.applier = applier;
        this.stream = stream;
        this.applied = Counter.builder("fleet.results.applied").register(meters);
        this.duplicates = Counter.builder("fleet.results.duplicates").register(meters);
        this.lag = Timer.builder("fleet.results.lag")
                .description("from an agent writing a result to the orchestrator applying it")
                .publishPercentileHistogram()
                .register(meters);
    }

    @Override
    public Set<String> types() {
        return Set.of("agent.result");
    }

    @Override
    public void apply(Envelope envelope) {
        for (int attempt = 1; ; attempt++) {
            try {
                boolean fresh = applier.apply(envelope, stream);
                if (fresh) {
                    applied.increment();
                    lag.record(Duration.between(envelope.createdAt(), Instant.now()));
                } else {
                    duplicates.increment();
                }
                return;
            } catch (TaskChangeException.StaleVersion e) {
                if (attempt >= STALE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The database unreachable or a connection lost ({@link DatabaseOutage}): the result waits, it is not at fault. */
    @Override
    public boolean isTransient(Exception failure) {
        return DatabaseOutage.causes(failure);
    }

    @Override
    public void deadLettered(Envelope envelope, String reason) {
        applier.recordDeadLetter(envelope.taskId(), reason);
    }
}
