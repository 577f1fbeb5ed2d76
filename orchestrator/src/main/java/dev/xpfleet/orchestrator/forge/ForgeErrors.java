package dev.xpfleet.orchestrator.forge;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The forge said no or could not be reached: its own message, as a bad gateway. */
@Order(Ordered.HIGHEST_PRECEDENCE)
@RestControllerAdvice(basePackages = "dev.xpfleet.orchestrator.forge")
class ForgeErrors {

    @ExceptionHandler(ForgeException.class)
    ProblemDetail forge(ForgeException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, e.getMessage());
    }
}
