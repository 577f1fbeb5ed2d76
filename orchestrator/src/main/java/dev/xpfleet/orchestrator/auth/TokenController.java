package dev.xpfleet.orchestrator.auth;

import io.swagger.v3.oas.annotations.Operation;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Creating and revoking API tokens (admin). */
@RestController
class TokenController {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TokenController.class);

    private final ApiTokens tokens;

    TokenController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    record CreateToken(String name, String role) {}

    @Operation(summary = "Create an API token with a role; the token is shown once (admin)")
    @PostMapping("/api/tokens")
    ResponseEntity<Map<String, Object>> createToken(
            @AuthenticationPrincipal ApiTokens.Caller caller, @RequestBody CreateToken body) {
        if (body.name() == null || !body.name().matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("name must be 1-64 letters, digits, '.', '_' or '-'");
        }
        ApiRole role = ApiRole.valueOf(String.valueOf(body.role()).toUpperCase(Locale.ROOT));
        String token = tokens.create(body.name(), role, caller.name());
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(Map.of("name", body.name(), "role", role.name(), "token", token, "note", "shown once"));
    }

    @Operation(summary = "Revoke the API token of that name: it is refused from now on (admin)")
    @DeleteMapping("/api/tokens/{name}")
    ResponseEntity<Object> revokeToken(@AuthenticationPrincipal ApiTokens.Caller caller, @PathVariable String name) {
        if (name.startsWith("bootstrap-")) {
            // Configured tokens come back with every start: change their setting (secret) instead.
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(ProblemDetail.forStatusAndDetail(
                            HttpStatus.CONFLICT,
                            "'" + name + "' is a configured token: change fleet.api." + name + "-token to replace it"));
        }
        if (!tokens.revoke(name)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(ProblemDetail.forStatusAndDetail(
                            HttpStatus.NOT_FOUND, "no active token named '" + name + "'"));
        }
        // Authentication knows no feature (BoundariesTest): the revocation is logged, not audited.
        log.info("API token '{}' revoked by {}", name, caller.name());
        return ResponseEntity.noContent().build();
    }
}
