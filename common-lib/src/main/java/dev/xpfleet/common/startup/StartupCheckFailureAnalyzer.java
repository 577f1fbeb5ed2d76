package dev.xpfleet.common.startup;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a failed preflight into Boot's short failure report instead of a stack trace. */
class StartupCheckFailureAnalyzer extends AbstractFailureAnalyzer<StartupCheckException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StartupCheckException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Fix '%s' (environment variable %s) or start the service it points to."
                        .formatted(cause.property(), cause.environmentVariable()),
                cause);
    }
}
