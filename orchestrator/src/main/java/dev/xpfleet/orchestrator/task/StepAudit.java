package dev.xpfleet.orchestrator.task;

import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** The audit row each agent's step leaves, in a linear task and in a pair session alike. */
@Component
class StepAudit {

    private final AuditTrail audit;

    StepAudit(AuditTrail audit) {
        this.audit = audit;
    }

    /**
     * Each agent's step leaves a row with what it decided, before the task moves on: the
     * developer's status and patch, QA's verdict and its first reason, the review's decision.
     */
    void record(Task task, String role, String inputType, JsonNode output) {
        Map<String, Object> detail = new java.util.LinkedHashMap<>();
        detail.put("iteration", task.iteration());
        String action;
        switch (inputType) {
            case MessageTypes.DEV_IMPLEMENT -> {
                action = "dev.completed";
                detail.put("status", output.path("status").asString("DONE"));
                detail.put("patchHash", output.path("patchHash").asString(""));
            }
            case MessageTypes.QA_VERIFY -> {
                String verdict = output.path("verdict").asString("");
                action = "PASSED".equals(verdict) ? "qa.passed" : "qa.failed";
                detail.put("verdict", verdict);
                detail.put("failToPass", output.path("failToPass").asInt(0));
                detail.put("reason", shortened(firstText(output.path("reasons").path(0), output.path("summary"))));
            }
            case MessageTypes.REVIEW_DIFF -> {
                action = "review.decided";
                detail.put("decision", output.path("decision").asString(""));
                detail.put("blocking", output.path("blocking").size());
            }
            default -> {
                return;
            }
        }
        audit.record(task.id(), role, action, detail);
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            if (node.isString() && !node.asString("").isBlank()) {
                return node.asString("");
            }
        }
        return "";
    }

    private static String shortened(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
