package dev.xpfleet.orchestrator.gateway;

import org.springframework.http.HttpStatus;

/** A call the gateway refuses or could not complete; becomes an OpenAI-shaped error answer. */
final class GatewayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final HttpStatus status;
    private final String type;

    GatewayException(HttpStatus status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    HttpStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    static GatewayException badRequest(String message) {
        return new GatewayException(HttpStatus.BAD_REQUEST, "invalid_request_error", message);
    }
}
