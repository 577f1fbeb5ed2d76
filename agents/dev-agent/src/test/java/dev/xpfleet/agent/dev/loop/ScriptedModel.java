package dev.xpfleet.agent.dev.loop;

import dev.xpfleet.common.model.ModelGatewayClient.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * A test double for the model: answers a fixed script, one answer per turn, written as a good (or a
 * cheating) model would answer, and keeps every prompt it was shown. Not a model: it does not read
 * what it is sent.
 */
final class ScriptedModel implements DevLoop.Model {

    private final List<Object> answers;
    final List<List<Message>> prompts = new ArrayList<>();

    /** @param answers text answers, or {@link DevLoop.Turn}s (e.g. with native tool calls) */
    ScriptedModel(Object... answers) {
        this.answers = List.of(answers);
    }

    @Override
    public DevLoop.Turn ask(List<Message> messages, int turn, int maxTokens) {
        prompts.add(messages);
        Object answer = turn <= answers.size()
                ? answers.get(turn - 1)
                : "```json\n{\"tool\": \"give_up\", \"reason\": \"script ended\"}\n```";
        return answer instanceof DevLoop.Turn scripted
                ? scripted
                : new DevLoop.Turn((String) answer, 100, 20, turn, false);
    }

    /** What the controller told the model after turn {@code turn} (1-based). */
    String observationAfter(int turn) {
        List<Message> next = prompts.get(turn);
        return next.get(next.size() - 1).content();
    }

    /** An answer made of native tool calls ({@code name}, arguments JSON, in pairs). */
    static DevLoop.Turn tools(String... nameAndArguments) {
        List<dev.xpfleet.common.model.ModelGatewayClient.ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < nameAndArguments.length; i += 2) {
            calls.add(new dev.xpfleet.common.model.ModelGatewayClient.ToolCall(
                    "call_" + i, nameAndArguments[i], nameAndArguments[i + 1]));
        }
        return new DevLoop.Turn("", 100, 20, 0, false, calls);
    }

    static String call(String json) {
        return "```json\n" + json + "\n```";
    }

    static String edit(String path, String search, String replace) {
        return path + "\n<<<<<<< SEARCH\n" + search + "=======\n" + replace + ">>>>>>> REPLACE\n";
    }
}
