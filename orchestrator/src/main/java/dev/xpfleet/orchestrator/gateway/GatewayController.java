package dev.xpfleet.orchestrator.gateway;

import io.swagger.v3.oas.annotations.Operation;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
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
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[\\x21-\\x7e]{1,200}");

    private final ChatGateway gateway;

    GatewayController(ChatGateway gateway) {
        this.gateway = gateway;
    }

    @Operation(
            summary = "Chat completion through the fleet's gateway (agent role); name the task in X-Fleet-Task and"
                    + " the agent role in X-Fleet-Role")
    @PostMapping("/v1/chat/completions")
    ResponseEntity<JsonNode> chat(
            @RequestHeader(value = TASK_HEADER, required = false) String task,
            @RequestHeader(value = ROLE_HEADER, required = false) String role,
            @RequestHeader(value = IDEMPOTENCY_HEADER, required = false) String idempotencyKey,
            @RequestBody JsonNode body) {
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
        if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
            throw GatewayException.badRequest(
                    IDEMPOTENCY_HEADER + " must be 1 to 200 visible ASCII characters, e.g. <task>:<iteration>:<turn>");
        }
        ChatGateway.Completion completion = gateway.complete(taskId, role.strip(), request, idempotencyKey);
        return ResponseEntity.ok()
                .header("X-Fleet-Call", String.valueOf(completion.callId()))
                .header("X-Fleet-Replayed", String.valueOf(completion.replayed()))
                .header("X-Fleet-Repeated", String.valueOf(completion.repeated()))
                .body(completion.body());
    }
}
