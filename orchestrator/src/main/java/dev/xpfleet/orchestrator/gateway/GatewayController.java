package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.orchestrator.api.ApiRole;
import dev.xpfleet.orchestrator.api.Callers;
import dev.xpfleet.orchestrator.budget.BudgetExceededException;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/chat/completions}, OpenAI-compatible (non-streaming). Errors come in OpenAI's
 * shape ({@code {"error": {"message", "type", "code"}}}) so OpenAI clients show them as they are.
 */
@RestController
class GatewayController {

    static final String TASK_HEADER = "X-Fleet-Task";
    static final String ROLE_HEADER = "X-Fleet-Role";

    private final ChatGateway gateway;

    GatewayController(ChatGateway gateway) {
        this.gateway = gateway;
    }

    @Operation(
            summary = "Chat completion through the fleet's gateway (agent role); name the task in X-Fleet-Task and"
                    + " the agent role in X-Fleet-Role")
    @PostMapping("/v1/chat/completions")
    ResponseEntity<JsonNode> chat(
            HttpServletRequest http,
            @RequestHeader(value = TASK_HEADER, required = false) String task,
            @RequestHeader(value = ROLE_HEADER, required = false) String role,
            @RequestBody JsonNode body) {
        Callers.require(http, ApiRole.AGENT);
        if (task == null || role == null) {
            throw GatewayException.badRequest("every call names its task and agent role in the " + TASK_HEADER + " and "
                    + ROLE_HEADER + " headers");
        }
        UUID taskId;
        try {
            taskId = UUID.fromString(task.strip());
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest(TASK_HEADER + " must be a task id (UUID)");
        }
        if (!(body instanceof ObjectNode request)) {
            throw GatewayException.badRequest("the body must be a JSON object");
        }
        ChatGateway.Completion completion = gateway.complete(taskId, role.strip(), request);
        return ResponseEntity.ok()
                .header("X-Fleet-Call", String.valueOf(completion.callId()))
                .header("X-Fleet-Replayed", String.valueOf(completion.replayed()))
                .body(completion.body());
    }

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

    @ExceptionHandler(Callers.ForbiddenException.class)
    ResponseEntity<Map<String, Object>> forbidden(Callers.ForbiddenException e) {
        return error(HttpStatus.FORBIDDEN, "permission_error", e.getMessage(), null);
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
