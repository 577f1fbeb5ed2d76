package dev.xpfleet.common.stream;

/** A stream entry that is not a readable envelope: it can never succeed, so it is dead-lettered. */
public class MalformedEnvelopeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedEnvelopeException(String message) {
        super(message);
    }

    public MalformedEnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
