package dev.xpfleet.common.model;

import dev.xpfleet.common.retry.Backoff;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A keyed gateway call whose key is still being answered for an earlier delivery of the same step
 * (its agent died mid-call) is waited for, not paid again: the gateway answers {@code 409
 * call_in_flight} until that answer is archived, then answers every later call with the key from
 * the archive.
 */
public final class InFlight {

    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(15);

    /** How the wait pauses; a test may pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void pause(Duration pause);
    }

    private InFlight() {}

    /**
     * @param call one keyed call
     * @param maxWait how long to keep asking while the key is in flight; then its refusal is thrown
     */
    public static ModelGatewayClient.Completion awaited(
            Supplier<ModelGatewayClient.Completion> call, Duration maxWait, Sleeper sleeper) {
        Backoff backoff = new Backoff(FIRST_PAUSE, MAX_PAUSE);
        long waited = 0;
        for (int failures = 1; ; failures++) {
            try {
                return call.get();
            } catch (ModelCallException e) {
                if (!"call_in_flight".equals(e.type()) || waited >= maxWait.toMillis()) {
                    throw e;
                }
                Duration pause = backoff.after(failures);
                sleeper.pause(pause);
                waited += pause.toMillis();
            }
        }
    }

    /** Pauses the calling thread; an interrupt ends the wait as a failed call. */
    public static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelCallException(0, "interrupted", "interrupted while waiting for a call in flight");
        }
    }
}
