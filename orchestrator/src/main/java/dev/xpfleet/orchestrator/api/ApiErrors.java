package dev.xpfleet.orchestrator.api;

import dev.xpfleet.orchestrator.support.UnavailableException;
import dev.xpfleet.orchestrator.task.TaskChangeException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Errors of the REST API (tasks and operations, tokens, repository context, the local forge) as
 * problem details, never stack traces; a feature maps its own exceptions in its own advice (the
 * forge's {@code ForgeErrors}). The /v1 gateway answers in OpenAI's error shape instead.
 */
@RestControllerAdvice(
        basePackages = {
            "dev.xpfleet.orchestrator.api",
            "dev.xpfleet.orchestrator.auth",
            "dev.xpfleet.orchestrator.context",
            "dev.xpfleet.orchestrator.forge",
            "dev.xpfleet.orchestrator.refactor"
        })
class ApiErrors {

    @ExceptionHandler(TaskCommands.NotFoundException.class)
    ProblemDetail notFound(TaskCommands.NotFoundException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(TaskChangeException.class)
    ProblemDetail conflict(TaskChangeException e) {
        return ProblemDetail.forStatusAndDetail(
                e instanceof TaskChangeException.NotFound ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler({
        IllegalArgumentException.class,
        HttpMessageNotReadableException.class,
        MethodArgumentTypeMismatchException.class
    })
    ProblemDetail badRequest(Exception e) {
        String detail = e instanceof HttpMessageNotReadableException
                ? "the body is not valid JSON for this call"
                : e.getMessage();
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    }

    /**
     * A feature that is switched off or not configured here. Only the fleet's own exception: an
     * {@link IllegalStateException} is a defect and answers 500.
     */
    @ExceptionHandler(UnavailableException.class)
    ProblemDetail unavailable(UnavailableException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }
}
