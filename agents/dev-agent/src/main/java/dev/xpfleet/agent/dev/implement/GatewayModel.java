package dev.xpfleet.agent.dev.implement;

import dev.xpfleet.agent.dev.loop.DevLoop;
import dev.xpfleet.common.model.ModelGatewayClient;
import dev.xpfleet.common.stream.AgentRole;
import java.util.List;
import java.util.UUID;

/**
 * The developer's model: the orchestrator's gateway, each turn named {@code <task>:<iteration>:<turn>}
 * so that a redelivered step is answered from the archive for the turns already paid for.
 */
final class GatewayModel implements DevLoop.Model {

    private final ModelGatewayClient client;
    private final UUID task;
    private final int iteration;

    GatewayModel(ModelGatewayClient client, UUID task, int iteration) {
        this.client = client;
        this.task = task;
        this.iteration = iteration;
    }

    @Override
    public DevLoop.Turn ask(List<ModelGatewayClient.Message> messages, int turn, int maxTokens) {
        ModelGatewayClient.Completion answer =
                client.chat(task, AgentRole.DEV, messages, maxTokens, task + ":" + iteration + ":" + turn);
        return new DevLoop.Turn(
                answer.text(), answer.promptTokens(), answer.completionTokens(), answer.callId(), answer.repeated());
    }
}
