package dev.xpfleet.agent.refactor.sonar;

/** SonarQube could not be asked, or answered something else than its Web API promises. */
public class SonarException extends Exception {

    public SonarException(String message) {
        super(message);
    }

    public SonarException(String message, Throwable cause) {
        super(message, cause);
    }
}
