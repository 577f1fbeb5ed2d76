package dev.xpfleet.agent.dev.implement;

import dev.xpfleet.agent.dev.loop.DevLoop;
import dev.xpfleet.agent.dev.tools.ToolSchemas;
import dev.xpfleet.common.model.ModelCallException;
import dev.xpfleet.common.model.ModelGatewayClient;
import dev.xpfleet.common.stream.AgentRole;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The developer's model: the orchestrator's gateway, each turn named {@code <task>:<iteration>:<turn>}
 * so that a redelivered step is answered from the archive for the turns already paid for.
 */
final class GatewayModel implements DevLoop.Model {

    private static final Duration MAX_PAUSE = Duration.ofSeconds(15);

    /** How the wait pauses; a test may pass one that does not sleep. */
    interface Sleeper {
        void pause(Duration pause);
    }

    private final ModelGatewayClient client;
    private final UUID task;
    private final int iteration;
    private final Duration inFlightWait;
    private final Sleeper sleeper;
    private final boolean toolCalls;

    /**
     * @param inFlightWait how long to wait for a turn an earlier delivery is still being answered
     * @param toolCalls offer the tools as OpenAI function definitions (a model may still answer in
     *     text, which is parsed as before)
     */
    GatewayModel(ModelGatewayClient client, UUID task, int iteration, Duration inFlightWait, boolean toolCalls) {
        this(client, task, iteration, inFlightWait, GatewayModel::sleep, toolCalls);
    }

    GatewayModel(
            ModelGatewayClient client,
            UUID task,
            int iteration,
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

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelCallException(0, "interrupted", "interrupted while waiting for a turn in flight");
        }
    }

    @Override
    public DevLoop.Turn ask(List<ModelGatewayClient.Message> messages, int turn, int maxTokens) {
        String key = task + ":" + iteration + ":" + turn;
        long waited = 0;
        Duration pause = Duration.ofSeconds(1);
        while (true) {
            try {
                ModelGatewayClient.Completion answer = client.chat(
                        task, AgentRole.DEV, messages, maxTokens, key, toolCalls ? ToolSchemas.definitions() : null);
                return new DevLoop.Turn(
                        answer.text(),
                        answer.promptTokens(),
                        answer.completionTokens(),
                        answer.callId(),
                        answer.repeated(),
                        answer.toolCalls());
            } catch (ModelCallException e) {
                // The same turn is still being answered for an earlier delivery of this step (its
                // agent died mid-call): wait for that answer instead of paying for another.
                if (!"call_in_flight".equals(e.type()) || waited >= inFlightWait.toMillis()) {
                    throw e;
                }
                sleeper.pause(pause);
                waited += pause.toMillis();
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }
}
