package dev.xpfleet.orchestrator.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.TestRedis;
import dev.xpfleet.orchestrator.support.DatabaseSessions;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskControl;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.node.ObjectNode;

/**
 * The database away while a result waits: the result waits with it and is applied when it is back,
 * not dead-lettered for failing its deliveries (each attempt fails fast here: a 500 ms pool
 * timeout, so an outage of 10 s is many times what five deliveries would have lasted).
 */
@SpringBootTest(
        properties = {
            "spring.datasource.hikari.connection-timeout=500",
            "spring.datasource.hikari.validation-timeout=250",
            "fleet.results.retry-backoff-max=1s"
        })
@FleetServices(database = true)
class ResultsDatabaseOutageIT {

    @Autowired
    TaskControl control;

    @Autowired
    TaskRepository tasks;

    @Autowired
    IsolatedServices services;

    @Autowired
    org.springframework.boot.jdbc.autoconfigure.DataSourceProperties dataSource;

    @Test
    void aResultArrivingWhileTheDatabaseIsAwayIsAppliedWhenItIsBack() throws Exception {
        Task task = control.create(
                new NewTask(
                        "octo/outage",
                        ThreadLocalRandom.current().nextInt(1, 1_000_000),
                        "Add",
                        "body",
                        TaskMode.LINEAR,
                        3,
                        "octocat"),
                false,
                Map.of());
        String database = dataSource.getUrl().substring(dataSource.getUrl().lastIndexOf('/') + 1);
        try (TestRedis redis = new TestRedis(services)) {
            StreamNames names = redis.names();
            DatabaseSessions.allow(dataSource, database, false);
            try {
                redis.commands().xadd(names.results(), EnvelopeCodec.toFields(result(task)));
                // Checked all through the outage, not once at its end.
                await("nothing dead-lettered while the database is away")
                        .during(Duration.ofSeconds(10))
                        .atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> redis.commands().xlen(names.prefix() + "dlq:results") == 0);
            } finally {
                DatabaseSessions.allow(dataSource, database, true);
            }
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> tasks.find(task.id()).orElseThrow().state() == TaskState.TESTING);
            assertThat(redis.commands().xlen(names.prefix() + "dlq:results")).isZero();
        }
    }

    private Envelope result(Task task) {
        ObjectNode output = EnvelopeCodec.mapper().createObjectNode().put("patchHash", "h1");
        Envelope input = Envelope.create(MessageTypes.DEV_IMPLEMENT, task.id(), task.iteration(), null);
        return new AgentResult(
                        "dev",
                        input.eventId(),
                        MessageTypes.DEV_IMPLEMENT,
                        AgentResult.Outcome.COMPLETED,
                        "completed",
                        1,
                        "test",
                        output)
                .toEnvelope(input);
    }
}
