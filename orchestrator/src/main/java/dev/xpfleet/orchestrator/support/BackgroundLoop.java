package dev.xpfleet.orchestrator.support;

import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * A long-running loop on its own platform thread, started and stopped with the application: what
 * the outbox relay and the results consumer share. Stopping interrupts the loop and waits up to 10 s
 * for it, then lets the subclass release what it holds.
 */
public abstract class BackgroundLoop implements SmartLifecycle {

    private final String threadName;
    private volatile boolean running;
    private Thread thread;

    protected BackgroundLoop(String threadName) {
        this.threadName = threadName;
    }

    @Override
    public final synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        beforeStart();
        thread = Thread.ofPlatform().name(threadName).start(this::loop);
    }

    @Override
    public final synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        afterStop();
    }

    @Override
    public final boolean isRunning() {
        return running;
    }

    /** Runs until {@link #isRunning()} turns false or the thread is interrupted. */
    protected abstract void loop();

    /** Called on {@link #start()}, before the loop's thread starts. */
    protected void beforeStart() {}

    /** Called on {@link #stop()}, after the loop ended (or 10 s passed). */
    protected void afterStop() {}

    /**
     * Waits before the next round: the loops' one backoff pause.
     *
     * @return false when the wait was interrupted (the loop is being stopped)
     */
    protected static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
