package dev.xpfleet.orchestrator.context;

/** The local embedding model failed or was shut down: the server's trouble, answered with 503. */
public class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
