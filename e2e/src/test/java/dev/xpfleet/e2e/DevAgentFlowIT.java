package dev.xpfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.testing.IsolatedServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An issue on the local forge becomes a test-first patch that the real QA agent passes: the packaged
 * orchestrator, developer and QA agent as processes, the developer's model answering from a
 * recorded conversation through the gateway (a scripted recording, written as a good model would
 * answer; said so in every gateway log line). Then the same with the developer killed (SIGKILL by
 * pid) in the middle of its loop: another instance finishes the task, and the turns already paid
 * for are answered from the gateway's archive, not paid again.
 */
class DevAgentFlowIT {

    private static final String TITLE = "Add multiply to calc";
    private static final String ADD_TEST = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n";

    private IsolatedServices services;
    private FleetProcesses fleet;
    private Path work;

    @BeforeEach
    void start() throws Exception {
        services = IsolatedServices.create("e2e-dev", true);
        work = E2eDirs.work("dev-flow-" + System.nanoTime());
        Path recordings = Files.createDirectories(work.resolve("recordings"));
        Files.writeString(recordings.resolve("multiply.conversation.json"), conversation());
        Path forge = Files.createDirectories(work.resolve("forge"));
        fleet = new FleetProcesses(services, work.getFileName().toString());
        fleet.startOrchestrator(Map.of(
                "fleet.forge.local-root",
                forge,
                "fleet.context.repositories-root",
                forge,
                "fleet.forge.workspaces",
                work.resolve("forge-workspaces"),
                "fleet.gateway.providers.recorded.type",
                "replay",
                "fleet.gateway.providers.recorded.directory",
                recordings,
                "fleet.gateway.providers.recorded.model",
                "scripted-recording",
                "fleet.gateway.roles.dev",
                "recorded"));
        String cloneUrl = "file://" + forge + "/{repository}.git";
        fleet.startAgent(
                "agents/qa-agent",
                "qa-agent",
                "qa-1",
                Map.of(
                        "fleet.qa.clone-url", cloneUrl,
                        "fleet.qa.work-root", work.resolve("qa"),
                        "fleet.qa.tools-dir", E2eDirs.qaTools()));
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void anIssueBecomesATestFirstPatchThatQaPassesAndAKilledDeveloperPaysNoTurnTwice() throws Exception {
        Process developer = startDeveloper("dev-1");
        UUID calm = openIssue("demo/calc");
        awaitState(calm, "REVIEWING");

        JsonNode dev = devResult(calm);
        assertThat(dev.path("status").asString()).isEqualTo("DONE");
        assertThat(dev.path("red").path("failedTests").toString()).contains("tests.test_calc");
        assertThat(dev.path("green").path("passedTests").toString()).contains("tests.test_calc#test_multiply");
        assertThat(dev.path("filesChanged").toString()).contains("calc.py").contains("tests/test_calc.py");
        JsonNode qa = qaResult(calm);
        assertThat(qa.path("verdict").asString()).as(qa.toString()).isEqualTo("PASSED");
        assertThat(qa.path("failToPass").asInt()).isPositive();
        long calmCharged = charged(calm);
        long biggestTurn = biggestTurn(calm);
        assertThat(calls(calm, "SETTLED")).isEqualTo(6);
        assertThat(indexedCommits("demo/calc"))
                .as("the developer had the base commit indexed for retrieval")
                .isOne();

        UUID killed = openIssue("demo/calc2");
        await("the developer is in the middle of its loop")
                .atMost(Duration.ofSeconds(120))
                .until(() -> calls(killed, "SETTLED") >= 3);
        developer.destroyForcibly().waitFor(); // SIGKILL to that pid, mid-loop
        assertThat(state(killed)).isEqualTo("DEVELOPING");
        startDeveloper("dev-2");
        awaitState(killed, "REVIEWING");

        assertThat(devResult(killed).path("status").asString()).isEqualTo("DONE");
        assertThat(qaResult(killed).path("verdict").asString()).isEqualTo("PASSED");
        assertThat(repeated(killed)).as("turns answered again from the archive").isEqualTo(3);
        assertThat(calls(killed, "SETTLED")).as("each turn paid once").isEqualTo(6);
        assertThat(charged(killed))
                .as("charged with a kill (uninterrupted: %d, biggest turn %d)", calmCharged, biggestTurn)
                .isLessThanOrEqualTo(calmCharged + biggestTurn);
    }

    private Process startDeveloper(String instance) throws Exception {
        return fleet.startAgent(
                "agents/dev-agent",
                "dev-agent",
                instance,
                Map.of(
                        "fleet.dev.clone-url",
                        "file://" + work.resolve("forge") + "/{repository}.git",
                        "fleet.dev.work-root",
                        work.resolve(instance),
                        "fleet.dev.orchestrator-url",
                        fleet.orchestrator(),
                        "fleet.dev.orchestrator-token",
                        IsolatedServices.API_TOKEN,
                        "fleet.consumer.heartbeat-interval",
                        "1s",
                        "fleet.consumer.reclaim-idle",
                        "5s",
                        "fleet.consumer.reclaim-interval",
                        "1s"));
    }

    private UUID openIssue(String repository) throws Exception {
        Path source = work.resolve("source-" + repository.replace('/', '-'));
        try (Git git = Git.init()
                .setDirectory(source.toFile())
                .setInitialBranch("main")
                .call()) {
            Files.createDirectories(source.resolve("tests"));
            Files.writeString(source.resolve("calc.py"), "def add(a, b):\n    return a + b\n");
            Files.writeString(source.resolve("tests/test_calc.py"), ADD_TEST);
            git.add().addFilepattern(".").call();
            git.commit()
                    .setMessage("calc")
                    .setAuthor("dev", "dev@localhost")
                    .setCommitter("dev", "dev@localhost")
                    .setSign(false)
                    .call();
        }
        fleet.post("/api/forge/local/repositories", Map.of("repository", repository, "importFrom", source.toString()));
        JsonNode opened = fleet.post(
                "/api/forge/local/repositories/" + repository + "/issues",
                Map.of(
                        "title",
                        TITLE,
                        "body",
                        "calc needs multiply(a, b), returning the product.",
                        "labels",
                        List.of("agent")));
        assertThat(opened.path("outcome").asString()).as(opened.toString()).isEqualTo("TASK_CREATED");
        return UUID.fromString(opened.path("task").asString());
    }

    private String state(UUID task) throws Exception {
        return fleet.get("/api/tasks/" + task).path("task").path("state").asString();
    }

    private void awaitState(UUID task, String state) {
        await(task + " reaches " + state)
                .atMost(Duration.ofSeconds(300))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    String now = state(task);
                    if (List.of("FAILED", "NEEDS_HUMAN", "CANCELLED").contains(now)) {
                        throw new AssertionError(
                                task + " ended " + now + ": " + fleet.get("/api/tasks/" + task + "/timeline"));
                    }
                    return now.equals(state);
                });
    }

    private JsonNode devResult(UUID task) throws Exception {
        return output(task, "dev.implement");
    }

    private JsonNode qaResult(UUID task) throws Exception {
        return output(task, "qa.verify");
    }

    private JsonNode output(UUID task, String inputType) throws Exception {
        try (Connection db = services.openConnection();
                PreparedStatement query = db.prepareStatement(
                        "SELECT output::text FROM agent_logs WHERE task_id = ? AND input_type = ? ORDER BY id DESC LIMIT 1")) {
            query.setObject(1, task);
            query.setString(2, inputType);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next())
                        .as("a " + inputType + " result for " + task)
                        .isTrue();
                return FleetProcesses.JSON.readTree(rows.getString(1));
            }
        }
    }

    private long charged(UUID task) throws Exception {
        return number(
                task,
                "SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) FROM model_calls"
                        + " WHERE task_id = ? AND status = 'SETTLED'");
    }

    private long biggestTurn(UUID task) throws Exception {
        return number(
                task,
                "SELECT coalesce(max(prompt_tokens + completion_tokens), 0) FROM model_calls"
                        + " WHERE task_id = ? AND status = 'SETTLED'");
    }

    private long calls(UUID task, String status) throws Exception {
        return number(task, "SELECT count(*) FROM model_calls WHERE task_id = ? AND status = '" + status + "'");
    }

    private long repeated(UUID task) throws Exception {
        return number(task, "SELECT count(*) FROM audit_trail WHERE task_id = ? AND action = 'model.repeated'");
    }

    private long indexedCommits(String repository) throws Exception {
        try (Connection db = services.openConnection();
                PreparedStatement query =
                        db.prepareStatement("SELECT count(*) FROM indexed_commits WHERE repository = ?")) {
            query.setString(1, repository);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private long number(UUID task, String sql) throws Exception {
        try (Connection db = services.openConnection();
                PreparedStatement query = db.prepareStatement(sql)) {
            query.setObject(1, task);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The scripted recording: what a good model answers to this issue, turn by turn. */
    private static String conversation() {
        ObjectNode recording = FleetProcesses.JSON.createObjectNode();
        recording.put("note", "A scripted recording, not a live model: written as a good model would answer.");
        recording.putArray("match").add("Title: " + TITLE);
        ArrayNode answers = recording.putArray("answers");
        answers.add("Let me read the code first.\n```json\n{\"tool\": \"read\", \"path\": \"calc.py\"}\n```");
        answers.add("A failing test for multiply first.\n\ntests/test_calc.py\n<<<<<<< SEARCH\n" + ADD_TEST
                + "=======\nfrom calc import add, multiply\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\n"
                + "def test_multiply():\n    assert multiply(3, 4) == 12\n>>>>>>> REPLACE\n");
        answers.add(
                "Let me check the Python version.\n```json\n{\"tool\": \"run\", \"command\": \"sleep 6; python3 --version\"}\n```");
        answers.add("```json\n{\"tool\": \"submit\"}\n```");
        answers.add("Now the code.\n\ncalc.py\n<<<<<<< SEARCH\n    return a + b\n=======\n    return a + b\n\n\n"
                + "def multiply(a, b):\n    return a * b\n>>>>>>> REPLACE\n");
        answers.add("```json\n{\"tool\": \"submit\"}\n```");
        return recording.toPrettyString();
    }
}
