package dev.xpfleet.agent.review.diff;

import dev.xpfleet.agent.review.model.ReviewModel;
import dev.xpfleet.common.model.ModelGatewayClient;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted reviewer model for tests (not a recording of a real model): answers in order, keeps
 * what it was asked, and fails the test when asked more often than scripted.
 */
final class ScriptedReviewModel implements ReviewModel {

    private final List<String> answers;
    final List<List<ModelGatewayClient.Message>> asked = new ArrayList<>();

    ScriptedReviewModel(String... answers) {
        this.answers = List.of(answers);
    }

    /** The script, to play again. */
    String[] answers() {
        return answers.toArray(String[]::new);
    }

    @Override
    public Answer ask(List<ModelGatewayClient.Message> messages, int attempt, int maxTokens) {
        asked.add(messages);
        if (asked.size() > answers.size()) {
            throw new AssertionError("the model was asked " + asked.size() + " times; " + answers.size() + " scripted");
        }
        return new Answer(answers.get(asked.size() - 1), 100, 20, "call-" + asked.size(), false);
    }
}
