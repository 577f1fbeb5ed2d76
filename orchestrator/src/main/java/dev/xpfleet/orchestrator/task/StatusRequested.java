package dev.xpfleet.orchestrator.task;

/**
 * Someone asked for a task's status ({@code /agent status} on its issue). Published in the asking
 * delivery's transaction; whoever answers on the issue listens (the forge's status comment), so the
 * intake does not depend on the forge.
 *
 * @param by the login that asked
 * @param delivery the webhook delivery that carried the command
 */
public record StatusRequested(Task task, String by, String delivery) {}
