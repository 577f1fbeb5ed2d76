package dev.xpfleet.agent.review.model;

import dev.xpfleet.common.model.InFlight;
import dev.xpfleet.common.model.ModelGatewayClient;
import dev.xpfleet.common.stream.AgentRole;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The reviewer's calls through the orchestrator's gateway, each keyed {@code
 * <task>:<iteration>:review:<attempt>}: a review redone after a crash is answered from the archive
 * and not paid twice.
 */
public final class GatewayReviewModel implements ReviewModel {

    private final ModelGatewayClient client;
    private final UUID task;
    private final int iteration;
    private final Duration inFlightWait;

    public GatewayReviewModel(ModelGatewayClient client, UUID task, int iteration, Duration inFlightWait) {
        this.client = client;
        this.task = task;
        this.iteration = iteration;
        this.inFlightWait = inFlightWait;
    }

    @Override
    public Answer ask(List<ModelGatewayClient.Message> messages, int attempt, int maxTokens) {
        String key = task + ":" + iteration + ":review:" + attempt;
        ModelGatewayClient.Completion answer = InFlight.awaited(
                () -> client.chat(task, AgentRole.REVIEW, messages, maxTokens, key), inFlightWait, InFlight::sleep);
        return new Answer(
                answer.text(),
                answer.promptTokens(),
                answer.completionTokens(),
                Long.toString(answer.callId()),
                answer.repeated());
    }
}
