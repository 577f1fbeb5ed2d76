package dev.xpfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.TestRedis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.node.ObjectNode;

/**
 * Two pair coordinators as processes racing for one session, against the orchestrator as a
 * process: one is paused (SIGSTOP, by its pid) while it holds the session's lock, past the lock's
 * lifetime; the other takes the turn over and the session moves on once; the paused one, resumed
 * (SIGCONT), does not move it again. Then the same with the lock's key lost (deleted, as a Redis
 * that restarted without it would have lost it) instead of waiting for it to expire. The test
 * plays the developer and QA (it answers their messages on the results stream), so every turn
 * after a proposal is the coordinators'.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PairRaceIT {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PairRaceIT.class);
    private static final Duration LOCK_TTL = Duration.ofSeconds(3);

    private IsolatedServices services;
    private FleetProcesses fleet;
    private TestRedis redis;
    private final Map<String, Process> coordinators = new HashMap<>();
    private Process signals;
    private Writer signalInput;
    private BufferedReader signalOutput;

    @BeforeAll
    void start() throws Exception {
        services = IsolatedServices.create("e2e-pair-race", true);
        redis = new TestRedis(services);
        fleet = new FleetProcesses(services, "pair-race-" + System.nanoTime());
        fleet.startOrchestrator(Map.of());
        for (String name : new String[] {"pair-a", "pair-b"}) {
            coordinators.put(
                    name,
                    fleet.startAgent(
                            "agents/pair-coordinator",
                            "pair-coordinator",
                            name,
                            Map.of(
                                    "fleet.pair.orchestrator-url",
                                    fleet.orchestrator(),
                                    "fleet.pair.orchestrator-token",
                                    IsolatedServices.API_TOKEN,
                                    "fleet.pair.lock-ttl",
                                    LOCK_TTL.toSeconds() + "s",
                                    "fleet.consumer.heartbeat-interval",
                                    "1s",
                                    "fleet.consumer.reclaim-idle",
                                    "6s",
                                    "fleet.consumer.reclaim-interval",
                                    "1s")));
        }
        // A shell kept running to send signals: starting `kill` for each would take longer than a
        // coordinator holds the lock.
        signals = new ProcessBuilder("bash").redirectErrorStream(true).start();
        signalInput = new java.io.OutputStreamWriter(signals.getOutputStream(), StandardCharsets.UTF_8);
        signalOutput = new BufferedReader(new InputStreamReader(signals.getInputStream(), StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() throws Exception {
        for (Process coordinator : coordinators.values()) {
            signal("CONT", coordinator.pid());
        }
        if (signals != null) {
            signals.destroyForcibly();
        }
        if (redis != null) {
            redis.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void aCoordinatorPausedPastItsLocksLifetimeOrWhoseLockKeyIsLostDoesNotMoveTheSessionAgain() throws Exception {
        UUID task = UUID.fromString(fleet.post(
                        "/api/tasks",
                        Map.of(
                                "repository", "octo/race",
                                "title", "Add divide to calc",
                                "body", "A pair session raced for by two coordinators.",
                                "mode", "PAIR",
                                "maxIters", 20))
                .path("id")
                .asString());

        int lost = 0;
        for (boolean keyLost : new boolean[] {false, true}) {
            Caught caught = null;
            for (int attempt = 1; attempt <= 5 && caught == null; attempt++) {
                Envelope proposalAsked = waiting(task, MessageTypes.DEV_IMPLEMENT);
                answer(proposalAsked, "dev", proposal(task, proposalAsked.iteration()));
                caught = pauseTheLockHolder(task);
                if (caught == null) {
                    log.info(
                            "Round {}: the turn was decided before a coordinator could be paused holding the lock",
                            attempt);
                    failQa(task); // the session goes round again, to another proposal
                }
            }
            assertThat(caught)
                    .as("a coordinator paused while holding the session's lock")
                    .isNotNull();
            log.info("Paused {} holding {} (key lost: {})", caught.name(), caught.owner(), keyLost);
            if (keyLost) {
                redis.commands().del(lockKey(task));
            }

            Envelope next = waiting(task, MessageTypes.QA_VERIFY);
            String other = caught.name().equals("pair-a") ? "pair-b" : "pair-a";
            assertThat(testDecisions(task, next.iteration()))
                    .as("the other coordinator took the turn over and decided it, once")
                    .containsExactly(other);

            signal("CONT", coordinators.get(caught.name()).pid());
            String name = caught.name();
            await(name + ", resumed, ends the turn it was deciding")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> inFlight(name) == 0);
            int lostNow = occurrences(
                    java.nio.file.Files.readString(fleet.log("pair-a"))
                            + java.nio.file.Files.readString(fleet.log("pair-b")),
                    "lost the lock of task " + task);
            log.info(
                    "{} resumed: {}",
                    name,
                    lostNow > lost
                            ? "found it had lost the lock and did not answer"
                            : "its answer was already given by the other (the turn's done key)");
            lost = lostNow;
            assertThat(testDecisions(task, next.iteration()))
                    .as("the resumed coordinator's late answer does not count")
                    .containsExactly(other);
            assertThat(count(task, MessageTypes.QA_VERIFY, next.iteration()))
                    .as("QA asked once for the proposal")
                    .isEqualTo(1);
            failQa(task);
        }
    }

    private record Caught(String name, String owner) {}

    /** Entries a coordinator is handling now ({@code fleet_consumer_in_flight}). */
    private double inFlight(String name) throws Exception {
        java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://127.0.0.1:" + fleet.port(name) + "/actuator/prometheus"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        return metrics.body()
                .lines()
                .filter(l -> l.startsWith("fleet_consumer_in_flight{") && l.contains("role=\"pair\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Polls the session's lock and pauses its holder the moment one is seen; returns it when it was
     * still holding the lock after the pause (so it is paused holding it), else resumes it and
     * returns null (it had finished the turn).
     */
    private Caught pauseTheLockHolder(UUID task) throws Exception {
        String key = lockKey(task);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String owner = redis.commands().get(key);
            if (owner == null) {
                if (waitingType(task).map(t -> t.equals(MessageTypes.QA_VERIFY)).orElse(false)) {
                    return null; // decided already
                }
                continue;
            }
            String name = owner.substring(0, owner.indexOf(':'));
            Process holder = coordinators.get(name);
            signal("STOP", holder.pid());
            if (owner.equals(redis.commands().get(key))) {
                return new Caught(name, owner);
            }
            signal("CONT", holder.pid());
        }
        return null;
    }

    private void failQa(UUID task) throws Exception {
        Envelope asked = waiting(task, MessageTypes.QA_VERIFY);
        answer(asked, "qa", json("{\"verdict\": \"FAILED\", \"failing\": [\"t::" + asked.iteration() + "\"]}"));
    }

    private void signal(String signal, long pid) throws Exception {
        signalInput.write("kill -" + signal + " " + pid + "; echo sent\n");
        signalInput.flush();
        assertThat(signalOutput.readLine()).isEqualTo("sent");
    }

    private String lockKey(UUID task) {
        return redis.names().pairLock(task);
    }

    private ObjectNode proposal(UUID task, int iteration) {
        return json("{\"status\": \"DONE\", \"patch\": \"tasks/" + task + "/iter_" + iteration
                + "/patch.diff\", \"patchHash\": \"hash-" + iteration + "\", \"baseCommit\": \"" + "a".repeat(40)
                + "\"}");
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) EnvelopeCodec.mapper().readTree(text);
    }

    private void answer(Envelope message, String role, ObjectNode output) {
        Envelope result = new AgentResult(
                        role, message.eventId(), message.type(), AgentResult.Outcome.COMPLETED, null, 1, "it", output)
                .toEnvelope(message);
        redis.commands().xadd(redis.names().results(), EnvelopeCodec.toFields(result));
    }

    /** The message the task's session waits on, once it is of this type. */
    private Envelope waiting(UUID task, String type) {
        return await("the session waits on " + type)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> waitingMessage(task),
                        m -> m.isPresent() && m.get().type().equals(type))
                .orElseThrow();
    }

    private Optional<String> waitingType(UUID task) throws Exception {
        return waitingMessage(task).map(Envelope::type);
    }

    private Optional<Envelope> waitingMessage(UUID task) throws Exception {
        try (Connection db = services.openConnection();
                PreparedStatement sql = db.prepareStatement("""
                        SELECT waiting_message::text FROM pair_sessions WHERE task_id = ?
                         ORDER BY created_at DESC LIMIT 1
                        """)) {
            sql.setObject(1, task);
            try (ResultSet rs = sql.executeQuery()) {
                return rs.next() && rs.getString(1) != null
                        ? Optional.of(EnvelopeCodec.fromJson(rs.getString(1)))
                        : Optional.empty();
            }
        }
    }

    /** Who decided to test the iteration's proposal, for each such answer applied. */
    private java.util.List<String> testDecisions(UUID task, int iteration) throws Exception {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (Connection db = services.openConnection();
                PreparedStatement sql = db.prepareStatement("""
                        SELECT output->>'coordinator' FROM agent_logs
                         WHERE task_id = ? AND role = 'pair' AND iter = ? AND output->>'action' = 'test' ORDER BY id
                        """)) {
            sql.setObject(1, task);
            sql.setInt(2, iteration);
            try (ResultSet rs = sql.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private long count(UUID task, String type, int iteration) throws Exception {
        return scalar(
                "SELECT count(*) FROM outbox_events WHERE task_id = ? AND type = ?"
                        + " AND (envelope::jsonb->>'iteration')::int = ?",
                task,
                type,
                iteration);
    }

    private long scalar(String query, Object... params) throws Exception {
        try (Connection db = services.openConnection();
                PreparedStatement sql = db.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                sql.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = sql.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
