package dev.xpfleet.orchestrator.support;

/**
 * A request the orchestrator cannot serve as it is set up or as things stand (a feature switched
 * off, a commit not indexed yet): the REST API answers 409 with this message. Kept apart from
 * {@link IllegalStateException}, which signals a defect and must surface as one (500), not as a
 * conflict the caller could fix.
 */
public class UnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
        super(message);
    }
}
