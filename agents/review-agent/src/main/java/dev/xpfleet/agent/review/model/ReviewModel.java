package dev.xpfleet.agent.review.model;

import dev.xpfleet.common.model.ModelGatewayClient;
import java.util.List;

/** The reviewer's model: one answer per attempt. The gateway in production; a script in tests. */
public interface ReviewModel {

    /**
     * @param repeated whether the gateway answered from its archive (paid before)
     */
    record Answer(String text, long promptTokens, long completionTokens, String callId, boolean repeated) {}

    /**
     * @param attempt 1 for the first answer, more for a retry after a malformed one
     * @throws dev.xpfleet.common.model.ModelCallException when the gateway refuses or fails
     */
    Answer ask(List<ModelGatewayClient.Message> messages, int attempt, int maxTokens);
}
