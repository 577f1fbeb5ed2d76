package dev.xpfleet.agent.qa.findings;

/**
 * One problem on a changed line.
 *
 * @param tool what found it: {@code secrets}, {@code spotbugs}, {@code checkstyle} or {@code lint}
 * @param rule the tool's rule, e.g. {@code aws-key} or {@code SQL_INJECTION_JDBC}
 * @param file repository path
 * @param line line in the changed file
 */
public record Finding(String tool, String rule, String file, int line, String message) {

    /** "file:line rule (tool): message", for a reason line. */
    public String describe() {
        return file + ":" + line + " " + rule + " (" + tool + "): " + message;
    }
}
