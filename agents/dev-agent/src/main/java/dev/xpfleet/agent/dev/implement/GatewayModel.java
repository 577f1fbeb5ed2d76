package dev.xpfleet.agent.dev.implement;

import dev.xpfleet.agent.dev.loop.DevLoop;
import dev.xpfleet.agent.dev.tools.ToolSchemas;
import dev.xpfleet.common.model.InFlight;
import dev.xpfleet.common.model.ModelGatewayClient;
import dev.xpfleet.common.stream.AgentRole;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The developer's model: the orchestrator's gateway, each turn named {@code <task>:<iteration>:<turn>}
 * (a ping-pong pair turn {@code <task>:<iteration>-tests:<turn>} or {@code -code}: two driver turns
 * in one iteration) so that a redelivered step is answered from the archive for the turns already
 * paid for.
 */
final class GatewayModel implements DevLoop.Model {

    /** How the wait pauses; a test may pass one that does not sleep. */
    interface Sleeper {
        void pause(Duration pause);
    }

    private final ModelGatewayClient client;
    private final UUID task;
    private final String iteration;
    private final Duration inFlightWait;
    private final Sleeper sleeper;
    private final boolean toolCalls;

    /**
     * @param inFlightWait how long to wait for a turn an earlier delivery is still being answered
     * @param toolCalls offer the tools as OpenAI function definitions (a model may still answer in
     *     text, which is parsed as before)
     */
    GatewayModel(ModelGatewayClient client, UUID task, String iteration, Duration inFlightWait, boolean toolCalls) {
        this(client, task, iteration, inFlightWait, InFlight::sleep, toolCalls);
    }

    /** @param iteration the iteration, with its ping-pong turn when it has one ({@code 2-tests}) */
    GatewayModel(
            ModelGatewayClient client,
            UUID task,
            String iteration,
            Duration inFlightWait,
            Sleeper sleeper,
            boolean toolCalls) {
        this.client = client;
        this.task = task;
        this.iteration = iteration;
        this.inFlightWait = inFlightWait;
        this.sleeper = sleeper;
        this.toolCalls = toolCalls;
    }

    @Override
    public DevLoop.Turn ask(List<ModelGatewayClient.Message> messages, int turn, int maxTokens) {
        String key = task + ":" + iteration + ":" + turn;
        ModelGatewayClient.Completion answer = InFlight.awaited(
                () -> client.chat(
                        task, AgentRole.DEV, messages, maxTokens, key, toolCalls ? ToolSchemas.definitions() : null),
                inFlightWait,
                sleeper::pause);
        return new DevLoop.Turn(
                answer.text(),
                answer.promptTokens(),
                answer.completionTokens(),
                answer.callId(),
                answer.repeated(),
                answer.toolCalls());
    }
}
