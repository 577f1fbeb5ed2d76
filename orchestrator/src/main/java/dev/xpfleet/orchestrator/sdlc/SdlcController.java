package dev.xpfleet.orchestrator.sdlc;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/metrics/summary?days=30} (viewer): the delivery figures of the last days (1 to 365). */
@RestController
class SdlcController {

    private final SdlcFigures figures;

    SdlcController(SdlcFigures figures) {
        this.figures = figures;
    }

    @Operation(
            summary = "Delivery figures of the last days: cost per merged pull request, iterations to green,"
                    + " changes sent back by QA and review, issue to merge (viewer)")
    @GetMapping("/api/metrics/summary")
    ResponseEntity<Object> summary(@RequestParam(defaultValue = "30") String days) {
        int window;
        try {
            window = Integer.parseInt(days.trim());
        } catch (NumberFormatException e) {
            window = 0;
        }
        if (window < 1 || window > 365) {
            return ResponseEntity.badRequest()
                    .body(ProblemDetail.forStatusAndDetail(
                            HttpStatus.BAD_REQUEST, "days must be a whole number from 1 to 365, got '" + days + "'"));
        }
        return ResponseEntity.ok(figures.summary(window));
    }
}
