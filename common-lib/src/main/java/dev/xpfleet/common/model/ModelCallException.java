package dev.xpfleet.common.model;

/**
 * A model call the gateway refused or could not complete.
 *
 * @see #budgetExceeded() the task is parked until an operator raises its budget
 */
public final class ModelCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;

    public ModelCallException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    /** The gateway's HTTP status, or 0 when it was not reached. */
    public int status() {
        return status;
    }

    /** The gateway's error type, e.g. {@code budget_exceeded}, {@code upstream_timeout}. */
    public String type() {
        return type;
    }

    public boolean budgetExceeded() {
        return "budget_exceeded".equals(type);
    }
}
