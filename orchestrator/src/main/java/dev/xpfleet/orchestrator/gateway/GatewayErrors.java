package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.orchestrator.budget.BudgetExceededException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors of the /v1 endpoints in OpenAI's shape, so OpenAI clients show them as they are. */
@RestControllerAdvice(basePackageClasses = GatewayErrors.class)
class GatewayErrors {

    @ExceptionHandler(GatewayException.class)
    ResponseEntity<Map<String, Object>> refused(GatewayException e) {
        return error(e.status(), e.type(), e.getMessage(), null);
    }

    @ExceptionHandler(BudgetExceededException.class)
    ResponseEntity<Map<String, Object>> overBudget(BudgetExceededException e) {
        Map<String, Object> budget = new LinkedHashMap<>();
        budget.put("budget", e.scope().label());
        budget.put("key", e.scopeKey());
        budget.put("limit", e.limit());
        budget.put("used", e.used());
        budget.put("reserved", e.reserved());
        budget.put("requested", e.requested());
        return error(HttpStatus.TOO_MANY_REQUESTS, "budget_exceeded", e.getMessage(), budget);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, Object>> badInput(IllegalArgumentException e) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request_error", e.getMessage(), null);
    }

    private static ResponseEntity<Map<String, Object>> error(
            HttpStatus status, String type, String message, Map<String, Object> budget) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("code", type);
        if (budget != null) {
            error.put("budget", budget);
        }
        return ResponseEntity.status(status).body(Map.of("error", error));
    }
}
