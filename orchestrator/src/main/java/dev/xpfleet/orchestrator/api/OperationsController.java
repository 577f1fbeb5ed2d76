package dev.xpfleet.orchestrator.api;

import dev.xpfleet.orchestrator.outbox.Outbox;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Operator and admin endpoints: blocked outbox rows, API tokens. */
@RestController
class OperationsController {

    private final Outbox outbox;
    private final ApiTokens tokens;

    OperationsController(Outbox outbox, ApiTokens tokens) {
        this.outbox = outbox;
        this.tokens = tokens;
    }

    record CreateToken(String name, String role) {}

    @Operation(summary = "Outbox rows that failed too often (viewer)")
    @GetMapping("/api/outbox/blocked")
    List<Outbox.BlockedRow> blocked(HttpServletRequest request) {
        Callers.require(request, ApiRole.OPERATOR);
        return outbox.blocked();
    }

    @Operation(summary = "Put a blocked outbox row back in line (operator)")
    @PostMapping("/api/outbox/{id}/unblock")
    Map<String, Object> unblock(HttpServletRequest request, @PathVariable long id) {
        Callers.require(request, ApiRole.OPERATOR);
        if (!outbox.unblock(id)) {
            throw new TaskCommands.NotFoundException("no blocked outbox row " + id);
        }
        return Map.of("id", id, "status", "PENDING");
    }

    @Operation(summary = "Create an API token with a role; the token is shown once (admin)")
    @PostMapping("/api/tokens")
    ResponseEntity<Map<String, Object>> createToken(HttpServletRequest request, @RequestBody CreateToken body) {
        ApiTokens.Caller caller = Callers.require(request, ApiRole.ADMIN);
        if (body.name() == null || !body.name().matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("name must be 1-64 letters, digits, '.', '_' or '-'");
        }
        ApiRole role = ApiRole.valueOf(String.valueOf(body.role()).toUpperCase(Locale.ROOT));
        String token = tokens.create(body.name(), role, caller.name());
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(Map.of("name", body.name(), "role", role.name(), "token", token, "note", "shown once"));
    }
}
