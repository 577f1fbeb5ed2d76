package dev.xpfleet.orchestrator.webhook;

import dev.xpfleet.common.stream.EnvelopeCodec;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * An issue opened on the local forge goes through the same intake as GitHub's {@code issues.opened}
 * delivery, so labels, trust, deduplication and the first step behave exactly alike. The opener is
 * an authenticated operator of the fleet, so counts as the repository's owner.
 */
@Component
public class LocalIssueEvents {

    private final WebhookIntake intake;

    LocalIssueEvents(WebhookIntake intake) {
        this.intake = intake;
    }

    /** What intake made of it: its outcome (e.g. TASK_CREATED, IGNORED), task and reason. */
    public record Outcome(String outcome, UUID taskId, String detail) {}

    public Outcome opened(
            String repository, int number, String title, String body, String author, List<String> labels) {
        ObjectNode payload = EnvelopeCodec.mapper().createObjectNode();
        payload.put("action", "opened");
        ObjectNode issue = payload.putObject("issue");
        issue.put("number", number);
        issue.put("title", title);
        issue.put("body", body);
        issue.put("author_association", "OWNER");
        issue.putObject("user").put("login", author);
        var names = issue.putArray("labels");
        labels.forEach(label -> names.addObject().put("name", label));
        payload.putObject("repository").put("full_name", repository);
        payload.putObject("sender").put("login", author);
        IntakeResult result =
                intake.handle(new Delivery("local-" + repository + "#" + number + "-opened", "issues", payload));
        return new Outcome(result.outcome(), result.taskId(), result.detail());
    }
}
