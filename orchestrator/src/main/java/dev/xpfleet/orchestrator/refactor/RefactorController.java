package dev.xpfleet.orchestrator.refactor;

import dev.xpfleet.orchestrator.auth.ApiTokens;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/refactor/runs} (operator): a refactoring run now, over the named repositories or
 * the configured ones; {@code dryRun: true} plans without opening anything (the plan says what it
 * would open and what it skips, and why). {@code GET /api/refactor/runs[/{id}]} (viewer): runs with
 * their scans, plans and the issues and tasks they opened.
 */
@RestController
class RefactorController {

    record RunRequest(List<String> repositories, Boolean dryRun) {}

    private final RefactorRuns runs;

    RefactorController(RefactorRuns runs) {
        this.runs = runs;
    }

    @Operation(summary = "Start a refactoring run now; dryRun plans only (operator)")
    @PostMapping("/api/refactor/runs")
    ResponseEntity<Map<String, Object>> start(
            @RequestBody(required = false) RunRequest request, @AuthenticationPrincipal ApiTokens.Caller caller) {
        RunRequest asked = request == null ? new RunRequest(List.of(), false) : request;
        UUID run = runs.start(
                        RefactorRuns.Trigger.MANUAL,
                        null,
                        Boolean.TRUE.equals(asked.dryRun()),
                        caller.name(),
                        asked.repositories() == null ? List.of() : asked.repositories())
                .orElseThrow();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(runs.view(run).orElseThrow());
    }

    @Operation(summary = "The newest refactoring runs (viewer)")
    @GetMapping("/api/refactor/runs")
    List<Map<String, Object>> recent(@RequestParam(defaultValue = "20") int limit) {
        return runs.recent(Math.max(1, Math.min(limit, 100)));
    }

    @Operation(summary = "One refactoring run: its scans, plans, issues and tasks (viewer)")
    @GetMapping("/api/refactor/runs/{id}")
    ResponseEntity<Object> run(@PathVariable UUID id) {
        return runs.view(id)
                .<ResponseEntity<Object>>map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no refactoring run " + id)));
    }
}
