package dev.xpfleet.orchestrator.pair;

import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.auth.ApiTokens;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/pair/sessions/{id}/fence?answering=<event>} (agent role): a coordinator that has
 * just taken a session's lock asks for its fencing token, to answer the message with that event id.
 * 200 with the token; 404 for an unknown session; 409 when the session is over (its task is no
 * longer pairing, or a newer session replaced it) or does not wait on that message (answered
 * already): the coordinator stops, and no token it holds is superseded.
 */
@RestController
class PairController {

    private final PairSessions sessions;
    private final AuditTrail audit;
    private final PairSessionView view;

    PairController(PairSessions sessions, AuditTrail audit, PairSessionView view) {
        this.sessions = sessions;
        this.audit = audit;
        this.view = view;
    }

    /**
     * {@code GET /api/tasks/{task}/pair} (viewer): the task's pair sessions, newest first, each
     * iteration with its branch, snapshot and turns, and each agent's turn with its archived model
     * exchanges; an empty list for a task that never paired.
     */
    @GetMapping("/api/tasks/{task}/pair")
    List<Map<String, Object>> sessions(@PathVariable UUID task) {
        return view.of(task);
    }

    @PostMapping("/api/pair/sessions/{session}/fence")
    @Transactional
    ResponseEntity<Object> fence(
            @PathVariable UUID session,
            @RequestParam(required = false) UUID answering,
            @AuthenticationPrincipal ApiTokens.Caller caller) {
        return sessions.next(session, answering)
                .<ResponseEntity<Object>>map(fence -> {
                    audit.record(
                            fence.task(),
                            caller.name(),
                            "pair.fenced",
                            Map.of("session", session.toString(), "fence", fence.fence()));
                    return ResponseEntity.ok(Map.of("session", session, "task", fence.task(), "fence", fence.fence()));
                })
                .orElseGet(() -> {
                    String path = "/api/pair/sessions/" + session + "/fence";
                    ProblemDetail problem = sessions.taskState(session)
                            .map(state -> ProblemDetail.forStatusAndDetail(
                                    HttpStatus.CONFLICT,
                                    "PAIRING".equals(state)
                                            ? "the session does not wait on " + answering
                                                    + " (answered already, or a newer session)"
                                            : "the session is over: its task is " + state))
                            .orElseGet(() -> ProblemDetail.forStatusAndDetail(
                                    HttpStatus.NOT_FOUND, "no pair session " + session));
                    problem.setInstance(URI.create(path));
                    return ResponseEntity.status(problem.getStatus()).body(problem);
                });
    }
}
