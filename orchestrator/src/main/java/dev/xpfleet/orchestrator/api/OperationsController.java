package dev.xpfleet.orchestrator.api;

import dev.xpfleet.orchestrator.outbox.Outbox;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operator endpoints: blocked outbox rows. */
@RestController
class OperationsController {

    private final Outbox outbox;

    OperationsController(Outbox outbox) {
        this.outbox = outbox;
    }

    @Operation(summary = "Outbox rows that failed too often (operator)")
    @GetMapping("/api/outbox/blocked")
    List<Outbox.BlockedRow> blocked() {
        return outbox.blocked();
    }

    @Operation(summary = "Put a blocked outbox row back in line (operator)")
    @PostMapping("/api/outbox/{id}/unblock")
    Map<String, Object> unblock(@PathVariable long id) {
        if (!outbox.unblock(id)) {
            throw new TaskCommands.NotFoundException("no blocked outbox row " + id);
        }
        return Map.of("id", id, "status", "PENDING");
    }
}
