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
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskControl;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Agent results, as the agents will send them, drive a task through its loop. */
@SpringBootTest
@FleetServices(database = true)
class ResultsFlowIT {

    @Autowired
    TaskRepository tasks;

    @Autowired
    TaskControl control;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    IsolatedServices services;

    private TestRedis testRedis;
    private RedisCommands<String, String> redis;
    private StreamNames names;

    @BeforeEach
    void connect() {
        testRedis = new TestRedis(services);
        redis = testRedis.commands();
        names = testRedis.names();
    }

    @AfterEach
    void disconnect() {
        testRedis.close();
    }

    @Test
    void resultsMoveATaskThroughTestReviewAndAnotherIterationToApproval() {
        Task task = started(3);
        assertThat(task.state()).isEqualTo(TaskState.DEVELOPING);

        report(task, "dev", MessageTypes.DEV_IMPLEMENT, AgentResult.Outcome.COMPLETED, Map.of("patchHash", "abc123"));
        awaitState(task, TaskState.TESTING);
        report(task, "qa", MessageTypes.QA_VERIFY, AgentResult.Outcome.COMPLETED, Map.of("verdict", "FAILED"));
        Task second = awaitState(task, TaskState.DEVELOPING);
        assertThat(second.iteration()).isEqualTo(2);

        report(second, "dev", MessageTypes.DEV_IMPLEMENT, AgentResult.Outcome.COMPLETED, Map.of("patchHash", "def456"));
        awaitState(task, TaskState.TESTING);
        report(second, "qa", MessageTypes.QA_VERIFY, AgentResult.Outcome.COMPLETED, Map.of("verdict", "PASSED"));
        awaitState(task, TaskState.REVIEWING);
        report(
                second,
                "review",
                MessageTypes.REVIEW_DIFF,
                AgentResult.Outcome.COMPLETED,
                Map.of("decision", "APPROVE"));
        awaitState(task, TaskState.APPROVED);

        assertThat(jdbc.sql("select patch_hash from agent_logs where task_id = :t and role = 'dev' order by id")
                        .param("t", task.id())
                        .query(String.class)
                        .list())
                .containsExactly("abc123", "def456");
        assertThat(jdbc.sql("select type from outbox_events where task_id = :t order by id")
                        .param("t", task.id())
                        .query(String.class)
                        .list())
                .containsExactly("dev.implement", "qa.verify", "dev.implement", "qa.verify", "review.diff");
    }

    @Test
    void aResultDeliveredTwiceIsAppliedOnce() {
        Task task = started(3);
        Envelope result = result(task, "dev", MessageTypes.DEV_IMPLEMENT, AgentResult.Outcome.COMPLETED, Map.of());

        send(result);
        send(result);
        awaitState(task, TaskState.TESTING);

        await().atMost(Duration.ofSeconds(10)).until(() -> pendingResults() == 0);
        assertThat(jdbc.sql("select count(*) from agent_logs where task_id = :t")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(tasks.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.TESTING);
    }

    @Test
    void aFailedOrDeadLetteredResultFailsTheTask() {
        Task task = started(3);

        report(task, "dev", MessageTypes.DEV_IMPLEMENT, AgentResult.Outcome.DEAD_LETTERED, Map.of());

        awaitState(task, TaskState.FAILED);
        assertThat(jdbc.sql("select count(*) from audit_trail where task_id = :t and action = 'task.failed'")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void theLastAllowedIterationFailingQaNeedsAHuman() {
        Task task = started(1);
        report(task, "dev", MessageTypes.DEV_IMPLEMENT, AgentResult.Outcome.COMPLETED, Map.of());
        awaitState(task, TaskState.TESTING);

        report(task, "qa", MessageTypes.QA_VERIFY, AgentResult.Outcome.COMPLETED, Map.of("verdict", "FAILED"));

        awaitState(task, TaskState.NEEDS_HUMAN);
    }

    @Test
    void aDeveloperThatStopsOnARuleParksTheTaskWithItsReasonAndNothingGoesToQa() {
        Task task = started(3);

        report(
                task,
                "dev",
                MessageTypes.DEV_IMPLEMENT,
                AgentResult.Outcome.COMPLETED,
                Map.of("status", "NEEDS_HUMAN", "reason", "red phase: 3 test runs and no test failing"));

        awaitState(task, TaskState.NEEDS_HUMAN);
        assertThat(jdbc.sql("select detail->>'why' from audit_trail where task_id = :t and action = 'task.needs_human'")
                        .param("t", task.id())
                        .query(String.class)
                        .single())
                .isEqualTo("developer: red phase: 3 test runs and no test failing");
        assertThat(jdbc.sql("select count(*) from outbox_events where task_id = :t and type = 'qa.verify'")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void anUnreadableResultIsDeadLetteredAndTheNextOneIsStillApplied() {
        Task task = started(3);
        redis.xadd(names.results(), Map.of("envelope", "{broken"));

        report(task, "dev", MessageTypes.DEV_IMPLEMENT, AgentResult.Outcome.COMPLETED, Map.of());

        awaitState(task, TaskState.TESTING);
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.xlen(names.prefix() + "dlq:results") >= 1);
        assertThat(deadLetters())
                .anySatisfy(body -> assertThat(body.get("reason")).startsWith("unreadable envelope"));
    }

    @Test
    void aResultThatFailsEveryDeliveryIsDeadLetteredAndItsTaskShowsIt() {
        Task task = started(3);
        ObjectNode poisoned = EnvelopeCodec.mapper().createObjectNode();
        // agent_logs.coverage is numeric(5, 2): this value fails the insert every time.
        poisoned.put("coverage", 123456.0);

        report(task, "dev", MessageTypes.DEV_IMPLEMENT, poisoned);

        await().atMost(Duration.ofSeconds(30)).until(() -> redis.xlen(names.prefix() + "dlq:results") >= 1);
        assertThat(deadLetters())
                .anySatisfy(body -> assertThat(body.get("reason")).startsWith("failed 5 times, last: "));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql(
                                        "select count(*) from audit_trail where task_id = :t and action = 'result.dead_lettered'")
                                .param("t", task.id())
                                .query(Long.class)
                                .single()
                        == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> pendingResults() == 0);
        assertThat(tasks.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.DEVELOPING);

        // The dead letter blocks nothing: the next result of the same task is applied.
        report(task, "dev", MessageTypes.DEV_IMPLEMENT, AgentResult.Outcome.COMPLETED, Map.of());
        awaitState(task, TaskState.TESTING);
    }

    @Test
    void aResultForAnOldIterationChangesNothing() {
        Task task = started(3);
        report(task, "dev", MessageTypes.DEV_IMPLEMENT, AgentResult.Outcome.COMPLETED, Map.of());
        awaitState(task, TaskState.TESTING);

        Envelope late = result(task, "dev", MessageTypes.DEV_IMPLEMENT, AgentResult.Outcome.COMPLETED, Map.of());
        send(new Envelope(
                late.version(),
                UUID.randomUUID(),
                late.type(),
                late.taskId(),
                null,
                0,
                1,
                null,
                late.createdAt(),
                late.payload()));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("select count(*) from audit_trail where task_id = :t and action = 'result.stale'")
                                .param("t", task.id())
                                .query(Long.class)
                                .single()
                        == 1);
        assertThat(tasks.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.TESTING);
    }

    @Test
    void theReviewStepCarriesThePatchQaAndTheEarlierFindingsAndChangesGoBackToTheDeveloper() {
        Task task = started(3);
        report(
                task,
                "dev",
                MessageTypes.DEV_IMPLEMENT,
                json("{\"patch\": \"tasks/x/iter_1/patch.diff\","
                        + " \"patchHash\": \"h1\", \"baseCommit\": \"abc1234\"}"));
        awaitState(task, TaskState.TESTING);
        report(
                task,
                "qa",
                MessageTypes.QA_VERIFY,
                json("{\"verdict\": \"PASSED\", \"report\": \"tasks/x/qa/iter_1.json\"}"));
        awaitState(task, TaskState.REVIEWING);
        JsonNode step = lastPayload(task, "review.diff");
        assertThat(step.path("patch").asString()).isEqualTo("tasks/x/iter_1/patch.diff");
        assertThat(step.path("patchHash").asString()).isEqualTo("h1");
        assertThat(step.path("baseCommit").asString()).isEqualTo("abc1234");
        assertThat(step.path("qa").path("report").asString()).isEqualTo("tasks/x/qa/iter_1.json");
        assertThat(step.path("issue").path("title").asString()).isEqualTo("Add");
        assertThat(step.path("earlierFindings")).isEmpty();

        report(
                task,
                "review",
                MessageTypes.REVIEW_DIFF,
                json("{\"decision\": \"CHANGES_REQUESTED\","
                        + " \"blocking\": [\"f1\"], \"history\": [{\"fingerprint\": \"f1\", \"status\": \"NEW\"}]}"));
        Task second = awaitState(task, TaskState.DEVELOPING);
        assertThat(second.iteration()).isEqualTo(2);
        assertThat(lastPayload(task, "dev.implement")
                        .path("feedback")
                        .path("blocking")
                        .path(0)
                        .asString())
                .isEqualTo("f1");

        report(second, "dev", MessageTypes.DEV_IMPLEMENT, json("{\"patch\": \"p2\", \"patchHash\": \"h2\"}"));
        awaitState(task, TaskState.TESTING);
        report(second, "qa", MessageTypes.QA_VERIFY, json("{\"verdict\": \"PASSED\"}"));
        awaitState(task, TaskState.REVIEWING);
        assertThat(lastPayload(task, "review.diff")
                        .path("earlierFindings")
                        .path(0)
                        .path("fingerprint")
                        .asString())
                .isEqualTo("f1");
    }

    @Test
    void theSameBlockingFindingsUnresolvedTwiceNeedAPersonAndNoFurtherIteration() {
        Task task = started(5);
        for (int i = 1; i <= 2; i++) {
            Task current = tasks.find(task.id()).orElseThrow();
            report(current, "dev", MessageTypes.DEV_IMPLEMENT, json("{\"patchHash\": \"h" + i + "\"}"));
            awaitState(task, TaskState.TESTING);
            report(current, "qa", MessageTypes.QA_VERIFY, json("{\"verdict\": \"PASSED\"}"));
            awaitState(task, TaskState.REVIEWING);
            report(
                    current,
                    "review",
                    MessageTypes.REVIEW_DIFF,
                    json("{\"decision\": \"CHANGES_REQUESTED\", \"blocking\": [\"f1\", \"f2\"]}"));
            if (i == 1) {
                awaitState(task, TaskState.DEVELOPING);
            }
        }
        awaitState(task, TaskState.NEEDS_HUMAN);
        assertThat(why(task)).startsWith("not converging: the review's 2 blocking finding(s) stand unresolved");
        assertThat(count(task, "dev.implement")).isEqualTo(2);
    }

    @Test
    void theSamePatchTwiceNeedsAPersonBeforeQaRunsAgain() {
        Task task = started(5);
        report(task, "dev", MessageTypes.DEV_IMPLEMENT, json("{\"patchHash\": \"same\"}"));
        awaitState(task, TaskState.TESTING);
        report(task, "qa", MessageTypes.QA_VERIFY, json("{\"verdict\": \"FAILED\", \"failing\": [\"t1\"]}"));
        Task second = awaitState(task, TaskState.DEVELOPING);
        report(second, "dev", MessageTypes.DEV_IMPLEMENT, json("{\"patchHash\": \"same\"}"));
        awaitState(task, TaskState.NEEDS_HUMAN);
        assertThat(why(task)).isEqualTo("not converging: iteration 2's change is the same as iteration 1's");
        assertThat(count(task, "qa.verify")).isEqualTo(1);
    }

    @Test
    void theSameTestsFailingTwiceNeedAPerson() {
        Task task = started(5);
        for (int i = 1; i <= 2; i++) {
            Task current = tasks.find(task.id()).orElseThrow();
            report(current, "dev", MessageTypes.DEV_IMPLEMENT, json("{\"patchHash\": \"h" + i + "\"}"));
            awaitState(task, TaskState.TESTING);
            report(
                    current,
                    "qa",
                    MessageTypes.QA_VERIFY,
                    json("{\"verdict\": \"FAILED\", \"failing\": [\"t2\", \"t1\"]}"));
            if (i == 1) {
                awaitState(task, TaskState.DEVELOPING);
            }
        }
        awaitState(task, TaskState.NEEDS_HUMAN);
        assertThat(why(task)).isEqualTo("not converging: the same 2 test(s) fail as in the iteration before (t1, t2)");
    }

    @Test
    void aReviewThatNeedsAPersonParksTheTaskWithItsReason() {
        Task task = started(3);
        report(task, "dev", MessageTypes.DEV_IMPLEMENT, json("{\"patchHash\": \"h\"}"));
        awaitState(task, TaskState.TESTING);
        report(task, "qa", MessageTypes.QA_VERIFY, json("{\"verdict\": \"PASSED\"}"));
        awaitState(task, TaskState.REVIEWING);
        report(
                task,
                "review",
                MessageTypes.REVIEW_DIFF,
                json("{\"decision\": \"NEEDS_HUMAN\", \"reason\": \"policy: the change touches pom.xml\"}"));
        awaitState(task, TaskState.NEEDS_HUMAN);
        assertThat(why(task)).isEqualTo("review: policy: the change touches pom.xml");
    }

    @Test
    void theRepositorysMaxItersAppliesToATaskWhoseCreatorSetNone() {
        Task task = started(3);
        report(task, "dev", MessageTypes.DEV_IMPLEMENT, json("{\"patchHash\": \"h1\", \"maxIters\": 1}"));
        awaitState(task, TaskState.TESTING);
        report(task, "qa", MessageTypes.QA_VERIFY, json("{\"verdict\": \"FAILED\", \"failing\": [\"t1\"]}"));
        awaitState(task, TaskState.NEEDS_HUMAN);
        assertThat(tasks.find(task.id()).orElseThrow().maxIters()).isEqualTo(1);
        assertThat(why(task)).isEqualTo("qa still not satisfied after 1 iterations");

        Task kept = started(3, true);
        report(kept, "dev", MessageTypes.DEV_IMPLEMENT, json("{\"patchHash\": \"h1\", \"maxIters\": 1}"));
        awaitState(kept, TaskState.TESTING);
        assertThat(tasks.find(kept.id()).orElseThrow().maxIters())
                .as("set by its creator: the repository's does not replace it")
                .isEqualTo(3);
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) EnvelopeCodec.mapper().readTree(text);
    }

    private void report(Task task, String role, String inputType, ObjectNode output) {
        Envelope input = Envelope.create(
                inputType, task.id(), tasks.find(task.id()).orElseThrow().iteration(), null);
        send(new AgentResult(
                        role, input.eventId(), inputType, AgentResult.Outcome.COMPLETED, "completed", 1, "test", output)
                .toEnvelope(input));
    }

    private JsonNode lastPayload(Task task, String type) {
        return EnvelopeCodec.mapper()
                .readTree(jdbc.sql(
                                "select envelope from outbox_events where task_id = :t and type = :type order by id desc limit 1")
                        .param("t", task.id())
                        .param("type", type)
                        .query(String.class)
                        .single())
                .path("payload");
    }

    private String why(Task task) {
        return jdbc.sql("select detail->>'why' from audit_trail where task_id = :t and action = 'task.needs_human'")
                .param("t", task.id())
                .query(String.class)
                .single();
    }

    private long count(Task task, String type) {
        return jdbc.sql("select count(*) from outbox_events where task_id = :t and type = :type")
                .param("t", task.id())
                .param("type", type)
                .query(Long.class)
                .single();
    }

    private Task started(int maxIters) {
        return started(maxIters, false);
    }

    private Task started(int maxIters, boolean keepMaxIters) {
        return control.create(
                new NewTask(
                        "octo/repo",
                        ThreadLocalRandom.current().nextInt(1, 1_000_000),
                        "Add",
                        "body",
                        TaskMode.LINEAR,
                        maxIters,
                        "octocat"),
                keepMaxIters,
                Map.of());
    }

    private void report(
            Task task, String role, String inputType, AgentResult.Outcome outcome, Map<String, String> output) {
        send(result(tasks.find(task.id()).orElseThrow(), role, inputType, outcome, output));
    }

    private Envelope result(
            Task task, String role, String inputType, AgentResult.Outcome outcome, Map<String, String> output) {
        ObjectNode out = EnvelopeCodec.mapper().createObjectNode();
        output.forEach(out::put);
        Envelope input = Envelope.create(inputType, task.id(), task.iteration(), null);
        return new AgentResult(
                        role,
                        input.eventId(),
                        inputType,
                        outcome,
                        outcome.name().toLowerCase(),
                        1,
                        "test",
                        out)
                .toEnvelope(input);
    }

    private void send(Envelope envelope) {
        redis.xadd(names.results(), EnvelopeCodec.toFields(envelope));
    }

    private Task awaitState(Task task, TaskState state) {
        return await().atMost(Duration.ofSeconds(20))
                .until(() -> tasks.find(task.id()).orElseThrow(), t -> t.state() == state);
    }

    private long pendingResults() {
        return redis.xpending(names.results(), ResultsConfiguration.GROUP).getCount();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, String>> deadLetters() {
        return redis.xread(XReadArgs.StreamOffset.from(names.prefix() + "dlq:results", "0")).stream()
                .map(StreamMessage::getBody)
                .toList();
    }
}
