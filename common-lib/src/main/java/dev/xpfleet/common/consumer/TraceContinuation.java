package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.Envelope;

/**
 * Continues the trace named by an envelope's W3C {@code traceparent} while its handler runs, so
 * one trace runs from the webhook through every agent. Without a tracer the traceparent is carried
 * on unchanged.
 */
public interface TraceContinuation {

    /** Carries the incoming traceparent on as it is: for services without a tracer. */
    TraceContinuation NONE = (input, role) -> new Traced() {
        @Override
        public String traceparent() {
            return input.traceparent();
        }

        @Override
        public void error(Throwable failure) {}

        @Override
        public void close() {}
    };

    /** Starts the handler's span as a child of the envelope's trace (or a new trace without one). */
    Traced start(Envelope input, String role);

    /**
     * Starts a span named {@code name} as a child of {@code traceparent} (a task's trace, picked up
     * again by work that runs outside any message: the outbox relay, the pull request step); a new
     * trace when it is null. Without a tracer nothing is started and the traceparent is handed on.
     */
    default Traced resume(String traceparent, String name) {
        return new Traced() {
            @Override
            public String traceparent() {
                return traceparent;
            }

            @Override
            public void error(Throwable failure) {}

            @Override
            public void close() {}
        };
    }

    /**
     * The W3C traceparent of the span running on this thread (a web request's, a handler's), for
     * a message that starts here; null when there is none or no tracer.
     */
    default String current() {
        return null;
    }

    /** The running span; close it on the thread that started it. */
    interface Traced extends AutoCloseable {

        /** The traceparent to hand on: the handler's span, in the caller's trace. */
        String traceparent();

        void error(Throwable failure);

        @Override
        void close();
    }
}
