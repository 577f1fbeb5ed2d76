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
import dev.xpfleet.orchestrator.pair.PairSessions;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskControl;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * A pair session as turns through the real results consumer and outbox: the coordinator's fenced
 * decisions and the agents' answers, as the services send them, move the session along.
 */
@SpringBootTest
@FleetServices(database = true)
class PairSessionFlowIT {

    @Autowired
    TaskRepository tasks;

    @Autowired
    TaskControl control;

    @Autowired
    PairSessions pairSessions;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    org.springframework.transaction.support.TransactionTemplate transactions;

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
    void aSessionThatConvergesInTwoIterationsIsApprovedFromItsSecondProposal() {
        Task task = pairTask(3);
        Envelope start = waiting(task, MessageTypes.PAIR_START);
        UUID session = start.sessionId();
        assertThat(session).isNotNull();

        decide(start, "drive", 1);
        Envelope dev1 = waiting(task, MessageTypes.DEV_IMPLEMENT);
        assertThat(dev1.sessionId()).isEqualTo(session);
        assertThat(dev1.iteration()).isEqualTo(1);
        answer(dev1, "dev", proposal(task, 1));

        Envelope turn = waiting(task, MessageTypes.PAIR_TURN);
        assertThat(turn.payload().path("step").asString()).isEqualTo("drive");
        assertThat(turn.payload().path("navigator").asString()).isEqualTo("both");
        decide(turn, "test", 1);
        Envelope qa1 = waiting(task, MessageTypes.QA_VERIFY);
        assertThat(qa1.payload().path("previous").path("patchHash").asString()).isEqualTo("hash-1");
        answer(qa1, "qa", json("{\"verdict\": \"PASSED\", \"failToPass\": 1}"));

        decide(waiting(task, MessageTypes.PAIR_TURN), "review", 1);
        Envelope review1 = waiting(task, MessageTypes.REVIEW_DIFF);
        assertThat(review1.payload().path("patch").asString()).endsWith("iter_1/patch.diff");
        assertThat(review1.payload().path("qa").path("verdict").asString()).isEqualTo("PASSED");
        answer(
                review1,
                "review",
                json("{\"decision\": \"REQUEST_CHANGES\", \"blocking\": [\"f1\"], \"findings\": []}"));

        Envelope afterReview = waiting(task, MessageTypes.PAIR_TURN);
        assertThat(afterReview.payload().path("output").path("decision").asString())
                .isEqualTo("REQUEST_CHANGES");
        decide(afterReview, "drive", 2);
        Envelope dev2 = waiting(task, MessageTypes.DEV_IMPLEMENT);
        assertThat(dev2.iteration()).isEqualTo(2);
        assertThat(dev2.payload().path("feedback").path("decision").asString())
                .as("the driver gets the navigation it must answer")
                .isEqualTo("REQUEST_CHANGES");
        assertThat(tasks.find(task.id()).orElseThrow().iteration()).isEqualTo(2);
        answer(dev2, "dev", proposal(task, 2));

        decide(waiting(task, MessageTypes.PAIR_TURN), "test", 2);
        answer(waiting(task, MessageTypes.QA_VERIFY), "qa", json("{\"verdict\": \"PASSED\"}"));
        Envelope beforeReview = waiting(task, MessageTypes.PAIR_TURN);
        assertThat(beforeReview
                        .payload()
                        .path("before")
                        .path("review")
                        .path("decision")
                        .asString())
                .as("the iteration before's navigation, to see a session that stopped converging")
                .isEqualTo("REQUEST_CHANGES");
        decide(beforeReview, "review", 2);
        answer(waiting(task, MessageTypes.REVIEW_DIFF), "review", json("{\"decision\": \"APPROVE\"}"));
        decide(waiting(task, MessageTypes.PAIR_TURN), "accept", 2);

        awaitState(task, TaskState.APPROVED);
        assertThat(audit(task, "pair.accepted", "branch")).containsExactly("pair/" + task.id() + "/iter2");
        assertThat(jdbc.sql("""
                        SELECT role || ':' || input_type || ':' || iter FROM agent_logs
                         WHERE task_id = :t AND session_id = :s ORDER BY id
                        """)
                        .param("t", task.id())
                        .param("s", session)
                        .query(String.class)
                        .list())
                .as("every turn of the session is stored with it, once")
                .containsExactly(
                        "pair:pair.start:1",
                        "dev:dev.implement:1",
                        "pair:pair.turn:1",
                        "qa:qa.verify:1",
                        "pair:pair.turn:1",
                        "review:review.diff:1",
                        "pair:pair.turn:1",
                        "dev:dev.implement:2",
                        "pair:pair.turn:2",
                        "qa:qa.verify:2",
                        "pair:pair.turn:2",
                        "review:review.diff:2",
                        "pair:pair.turn:2");
    }

    @Test
    void aSessionAtMaxItersOrStoppedNeedsAPersonWithItsIterationsAndBranches() {
        Task task = pairTask(1);
        decide(waiting(task, MessageTypes.PAIR_START), "drive", 1);
        answer(waiting(task, MessageTypes.DEV_IMPLEMENT), "dev", proposal(task, 1));
        decide(waiting(task, MessageTypes.PAIR_TURN), "test", 1);
        answer(waiting(task, MessageTypes.QA_VERIFY), "qa", json("{\"verdict\": \"FAILED\", \"failing\": [\"t::a\"]}"));
        decide(waiting(task, MessageTypes.PAIR_TURN), "drive", 2);

        awaitState(task, TaskState.NEEDS_HUMAN);
        assertThat(audit(task, "task.needs_human", "why"))
                .singleElement()
                .asString()
                .contains("max_iters (1) reached")
                .contains("- iteration 1 (pair/" + task.id() + "/iter1): developer DONE, QA FAILED");
        assertThat(count(task, MessageTypes.DEV_IMPLEMENT))
                .as("no iteration past max_iters")
                .isEqualTo(1);

        Task stopped = pairTask(3);
        decide(waiting(stopped, MessageTypes.PAIR_START), "drive", 1);
        answer(waiting(stopped, MessageTypes.DEV_IMPLEMENT), "dev", json("{\"status\": \"DONE\"}"));
        decide(waiting(stopped, MessageTypes.PAIR_TURN), "stop", 1);
        awaitState(stopped, TaskState.NEEDS_HUMAN);
        assertThat(audit(stopped, "task.needs_human", "why"))
                .singleElement()
                .asString()
                .startsWith("pair session stopped: stopped by the test")
                .contains("- iteration 1 (no proposal): developer DONE");
    }

    @Test
    void aDecisionThatDoesNotFitTheSessionFailsTheTaskAndALateAnswerChangesNothing() {
        Task task = pairTask(3);
        decide(waiting(task, MessageTypes.PAIR_START), "accept", 1);
        awaitState(task, TaskState.FAILED);
        assertThat(audit(task, "task.failed", "reason"))
                .singleElement()
                .asString()
                .contains("accept with no proposal in iteration 1");

        Task cancelled = pairTask(3);
        decide(waiting(cancelled, MessageTypes.PAIR_START), "drive", 1);
        Envelope dev = waiting(cancelled, MessageTypes.DEV_IMPLEMENT);
        transactions.executeWithoutResult(
                tx -> control.cancel(tasks.find(cancelled.id()).orElseThrow(), "octocat", Map.of()));
        answer(dev, "dev", proposal(cancelled, 1));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !audit(cancelled, "result.stale", "inputType").isEmpty());
        assertThat(count(cancelled, MessageTypes.PAIR_TURN)).isZero();
    }

    @Test
    void aCoordinatorsAnswerCountsOnlyWithTheCurrentTokenAndARefusedOneIsAskedForAgain() {
        Task other = pairTask(3);
        Envelope otherStart = waiting(other, MessageTypes.PAIR_START);
        assertThat(pairSessions.next(otherStart.sessionId(), UUID.randomUUID()))
                .as("no token to answer a message the session does not wait on")
                .isEmpty();
        long old = pairSessions.next(otherStart.sessionId()).orElseThrow().fence();
        pairSessions.next(otherStart.sessionId()).orElseThrow(); // another coordinator took the lock since

        decide(otherStart, "drive", 1, old);
        await().atMost(Duration.ofSeconds(20)).until(() -> count(other, MessageTypes.PAIR_START) == 2);
        assertThat(audit(other, "pair.write_refused", "why"))
                .singleElement()
                .asString()
                .contains("fencing token " + old);
        assertThat(count(other, MessageTypes.DEV_IMPLEMENT))
                .as("a refused answer moves nothing")
                .isZero();

        Envelope again = waiting(other, MessageTypes.PAIR_START);
        assertThat(again.eventId()).as("asked for again, as a new message").isNotEqualTo(otherStart.eventId());
        decide(again, "drive", 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> count(other, MessageTypes.DEV_IMPLEMENT) == 1);
        assertThat(tasks.find(other.id()).orElseThrow().state()).isEqualTo(TaskState.PAIRING);
    }

    @Test
    void aSessionWhoseAnswersKeepBeingRefusedFailsItsTaskAfterItsRestarts() {
        Task task = pairTask(3);
        for (int i = 1; i <= 4; i++) { // a coordinator that never gets a token (no orchestrator URL)
            int sent = i;
            await().atMost(Duration.ofSeconds(20)).until(() -> count(task, MessageTypes.PAIR_START) == sent);
            answer(waiting(task, MessageTypes.PAIR_START), "pair", json("{\"action\": \"drive\", \"iteration\": 1}"));
        }
        awaitState(task, TaskState.FAILED);
        assertThat(count(task, MessageTypes.PAIR_START)).isEqualTo(4);
        assertThat(audit(task, "task.failed", "reason"))
                .singleElement()
                .asString()
                .contains("asked for again 3 times")
                .contains("no fencing token");
    }

    private ObjectNode proposal(Task task, int iteration) {
        return json("{\"status\": \"DONE\", \"patch\": \"tasks/" + task.id() + "/iter_" + iteration
                + "/patch.diff\", \"patchHash\": \"hash-" + iteration + "\", \"baseCommit\": \"" + "a".repeat(40)
                + "\"}");
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) EnvelopeCodec.mapper().readTree(text);
    }

    /** The coordinator's answer, under a token taken now (as a coordinator that just took the lock). */
    private void decide(Envelope message, String action, int iteration) {
        decide(
                message,
                action,
                iteration,
                pairSessions.next(message.sessionId()).orElseThrow().fence());
    }

    private void decide(Envelope message, String action, int iteration, long fence) {
        ObjectNode output = json("{\"action\": \"" + action + "\", \"iteration\": " + iteration
                + ", \"reason\": \"stopped by the test\"}");
        output.put("fence", fence);
        output.put("session", message.sessionId().toString());
        answer(message, "pair", output);
    }

    private void answer(Envelope message, String role, ObjectNode output) {
        Envelope result = new AgentResult(
                        role, message.eventId(), message.type(), AgentResult.Outcome.COMPLETED, null, 1, "test", output)
                .toEnvelope(message);
        redis.xadd(names.results(), EnvelopeCodec.toFields(result));
    }

    /** The message the session waits on now: the task's newest outbox row, once it is of this type. */
    private Envelope waiting(Task task, String type) {
        return await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> EnvelopeCodec.fromJson(jdbc.sql("""
                                        SELECT envelope FROM outbox_events WHERE task_id = :t ORDER BY id DESC LIMIT 1
                                        """)
                                .param("t", task.id())
                                .query(String.class)
                                .single()),
                        e -> e.type().equals(type)
                                && e.eventId()
                                        .equals(jdbc.sql("SELECT waiting_on FROM pair_sessions WHERE session_id = :s")
                                                .param("s", e.sessionId())
                                                .query(UUID.class)
                                                .optional()
                                                .orElse(null)));
    }

    private List<String> audit(Task task, String action, String field) {
        return jdbc.sql("SELECT detail->>:f FROM audit_trail WHERE task_id = :t AND action = :a ORDER BY id")
                .param("f", field)
                .param("t", task.id())
                .param("a", action)
                .query(String.class)
                .list();
    }

    private long count(Task task, String type) {
        return jdbc.sql("SELECT count(*) FROM outbox_events WHERE task_id = :t AND type = :type")
                .param("t", task.id())
                .param("type", type)
                .query(Long.class)
                .single();
    }

    private Task pairTask(int maxIters) {
        Task task = control.create(
                new NewTask(
                        "octo/repo",
                        ThreadLocalRandom.current().nextInt(1, 1_000_000),
                        "Pair on it",
                        "body",
                        TaskMode.PAIR,
                        maxIters,
                        "octocat"),
                true,
                Map.of());
        assertThat(task.state()).isEqualTo(TaskState.PAIRING);
        return task;
    }

    private void awaitState(Task task, TaskState state) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> tasks.find(task.id()).orElseThrow().state(), s -> s == state);
    }
}
