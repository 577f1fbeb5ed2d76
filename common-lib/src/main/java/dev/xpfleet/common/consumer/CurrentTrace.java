package dev.xpfleet.common.consumer;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.net.http.HttpRequest;

/**
 * The W3C traceparent of the span running on this thread, for a call an agent makes to the
 * orchestrator (the model gateway, retrieval, clone credentials, the pair fence): the orchestrator's
 * request span then joins the task's trace as a child of the handler's span. Micrometer's
 * OpenTelemetry bridge makes the handler's span the current OpenTelemetry span while it runs.
 */
public final class CurrentTrace {

    private CurrentTrace() {}

    /** {@code 00-<trace>-<span>-<flags>}, or null when no valid span is current. */
    public static String traceparent() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid()) {
            return null;
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex();
    }

    /** Adds the current span's traceparent to a request, if there is one. */
    public static HttpRequest.Builder propagate(HttpRequest.Builder request) {
        String traceparent = traceparent();
        return traceparent == null ? request : request.header("traceparent", traceparent);
    }
}
