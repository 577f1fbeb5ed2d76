package dev.xpfleet.orchestrator.webhook;

import dev.xpfleet.orchestrator.task.TaskChangeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /webhooks/github}: size limit, signature, then one transaction in {@link WebhookIntake}. */
@RestController
class WebhookController {

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebhookProperties props;
    private final WebhookIntake intake;
    private final MeterRegistry meters;

    WebhookController(WebhookProperties props, WebhookIntake intake, MeterRegistry meters) {
        this.props = props;
        this.intake = intake;
        this.meters = meters;
    }

    @Operation(summary = "GitHub webhook deliveries; authenticated by X-Hub-Signature-256, not by a bearer token")
    @SecurityRequirements
    @PostMapping("/webhooks/github")
    ResponseEntity<Map<String, Object>> receive(
            HttpServletRequest request,
            @RequestHeader(value = "X-GitHub-Event", required = false) String event,
            @RequestHeader(value = "X-GitHub-Delivery", required = false) String deliveryId,
            @RequestHeader(value = "X-Hub-Signature-256", required = false) String signature)
            throws IOException {
        long max = props.maxBodySize().toBytes();
        if (request.getContentLengthLong() > max) {
            return refused("TOO_LARGE", HttpStatus.CONTENT_TOO_LARGE, "body larger than " + props.maxBodySize());
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 1, max + 1));
        }
        if (body.length > max) {
            return refused("TOO_LARGE", HttpStatus.CONTENT_TOO_LARGE, "body larger than " + props.maxBodySize());
        }
        if (!GitHubSignature.verify(body, signature, props.secrets())) {
            log.warn("Refused delivery {} ({}): signature missing or wrong", deliveryId, event);
            return refused("BAD_SIGNATURE", HttpStatus.UNAUTHORIZED, "X-Hub-Signature-256 missing or wrong");
        }
        if (event == null
                || event.isBlank()
                || deliveryId == null
                || deliveryId.isBlank()
                || deliveryId.length() > 100) {
            return refused("BAD_REQUEST", HttpStatus.BAD_REQUEST, "X-GitHub-Event and X-GitHub-Delivery are required");
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(body);
        } catch (JacksonException e) {
            return counted(event, "BAD_REQUEST", error(HttpStatus.BAD_REQUEST, "body is not valid JSON"));
        }
        if (payload == null || !payload.isObject()) {
            return counted(event, "BAD_REQUEST", error(HttpStatus.BAD_REQUEST, "body is not a JSON object"));
        }
        IntakeResult result = intake.handle(new Delivery(deliveryId, event, payload));
        log.info(
                "Delivery {} ({}.{}): {}{}",
                deliveryId,
                event,
                payload.path("action").asString(""),
                result.outcome(),
                result.taskId() == null ? "" : " task " + result.taskId());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("delivery", deliveryId);
        answer.put("outcome", result.outcome());
        if (result.taskId() != null) {
            answer.put("task", result.taskId());
        }
        if (result.detail() != null) {
            answer.put("detail", result.detail());
        }
        return counted(
                event,
                result.outcome(),
                ResponseEntity.status("DUPLICATE".equals(result.outcome()) ? HttpStatus.OK : HttpStatus.ACCEPTED)
                        // Set, not negotiated: the answer is always JSON, and negotiation per delivery costs.
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(answer));
    }

    /** Refused before the sender was verified: the event header is not trusted as a tag value. */
    private ResponseEntity<Map<String, Object>> refused(String outcome, HttpStatus status, String message) {
        return counted("unverified", outcome, error(status, message));
    }

    /** {@code fleet.webhook.deliveries{event, outcome}}. */
    private ResponseEntity<Map<String, Object>> counted(
            String event, String outcome, ResponseEntity<Map<String, Object>> response) {
        meters.counter("fleet.webhook.deliveries", "event", event, "outcome", outcome)
                .increment();
        return response;
    }

    /** Two deliveries for one issue raced past the active-task check; GitHub may redeliver. */
    @ExceptionHandler(TaskChangeException.class)
    ResponseEntity<Map<String, Object>> conflict(TaskChangeException e, HttpServletRequest request) {
        return counted(request.getHeader("X-GitHub-Event"), "CONFLICT", error(HttpStatus.CONFLICT, e.getMessage()));
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        if (status == HttpStatus.CONTENT_TOO_LARGE) {
            // The body was not read: this connection cannot carry another request.
            return ResponseEntity.status(status)
                    .header("Connection", "close")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("error", message));
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", message));
    }
}
