package dev.xpfleet.orchestrator.webhook;

import java.util.UUID;

/**
 * What intake made of a delivery.
 *
 * @param outcome e.g. TASK_CREATED, IGNORED, REFUSED_UNTRUSTED, DUPLICATE
 * @param taskId the task concerned, or null
 * @param detail a short reason for people reading the delivery log
 */
record IntakeResult(String outcome, UUID taskId, String detail) {

    static IntakeResult ignored(String why) {
        return new IntakeResult("IGNORED", null, why);
    }
}
