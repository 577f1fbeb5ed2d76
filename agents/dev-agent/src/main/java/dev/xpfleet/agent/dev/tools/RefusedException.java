package dev.xpfleet.agent.dev.tools;

/** A tool call the controller refuses; the message goes back to the model as the reason. */
public final class RefusedException extends Exception {

    public RefusedException(String reason) {
        super(reason);
    }
}
