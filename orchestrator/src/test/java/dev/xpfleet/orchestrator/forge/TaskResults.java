package dev.xpfleet.orchestrator.forge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.orchestrator.results.ResultDelivery;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskRepository;
import java.util.Map;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.node.ObjectNode;

/** Delivers an agent's result for a task as the results consumer would, twice: the second must change nothing. */
final class TaskResults {

    private TaskResults() {}

    static void deliverTwice(
            ApplicationContext context,
            TaskRepository tasks,
            Task task,
            String role,
            String inputType,
            Map<String, String> output) {
        ObjectNode out = EnvelopeCodec.mapper().createObjectNode();
        output.forEach(out::put);
        deliverTwice(context, tasks, task, role, inputType, out);
    }

    static void deliverTwice(
            ApplicationContext context,
            TaskRepository tasks,
            Task task,
            String role,
            String inputType,
            ObjectNode out) {
        Task current = tasks.find(task.id()).orElseThrow();
        Envelope input = Envelope.create(inputType, current.id(), current.iteration(), null);
        Envelope result = new AgentResult(
                        role, input.eventId(), inputType, AgentResult.Outcome.COMPLETED, "done", 1, "test", out)
                .toEnvelope(input);
        ResultDelivery results = new ResultDelivery(context);
        assertThat(results.deliver(result)).isTrue();
        assertThat(results.deliver(result)).as("a redelivery changes nothing").isFalse();
    }
}
