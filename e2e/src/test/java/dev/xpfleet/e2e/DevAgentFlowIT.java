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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An issue on the local forge becomes a test-first patch that the real QA agent passes, the
 * reviewer approves and the local forge merges: the packaged orchestrator, developer, QA agent and
 * reviewer as processes, the models answering from recorded conversations through the gateway
 * (scripted recordings, written as a good model would answer; said so in every gateway log line). Then the same with the developer killed (SIGKILL by
 * pid) in the middle of its loop: another instance finishes the task, and the turns already paid
 * for are answered from the gateway's archive, not paid again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevAgentFlowIT {

    private IsolatedServices services;
    private FleetProcesses fleet;
    private Path work;
    private Process developer;

    @BeforeAll
    void start() throws Exception {
        services = IsolatedServices.create("e2e-dev", true);
        work = E2eDirs.work("dev-flow-" + System.nanoTime());
        Path recordings = Files.createDirectories(work.resolve("recordings"));
        // Looked at in name order: the second iteration's recording, which also matches the feedback
        // heading, comes before the first one's.
        write(recordings.resolve("a-divide-feedback.conversation.json"), Samples.pythonDivideFeedback());
        write(recordings.resolve("b-divide.conversation.json"), Samples.pythonDivideFirst());
        write(recordings.resolve("java.conversation.json"), Samples.javaMultiply());
        write(recordings.resolve("multiply.conversation.json"), Samples.pythonMultiply());
        write(recordings.resolve("node.conversation.json"), Samples.nodeMultiply());
        write(
                recordings.resolve("review-divide.conversation.json"),
                Samples.review(Samples.PY_DIVIDE_TITLE, Samples.REVIEW_CLEAN));
        write(
                recordings.resolve("review-java.conversation.json"),
                Samples.review(Samples.JAVA_TITLE, Samples.REVIEW_CLEAN));
        write(
                recordings.resolve("review-node.conversation.json"),
                Samples.review(Samples.NODE_TITLE, Samples.REVIEW_CLEAN));
        write(
                recordings.resolve("review-multiply.conversation.json"),
                Samples.review(Samples.PY_TITLE, Samples.REVIEW_MULTIPLY));
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
                "recorded",
                "fleet.gateway.roles.review",
                "recorded",
                "fleet.forge.auto-merge",
                true));
        fleet.startAgent(
                "agents/qa-agent",
                "qa-agent",
                "qa-1",
                Map.of(
                        "fleet.qa.clone-url",
                        "file://" + forge + "/{repository}.git",
                        "fleet.qa.work-root",
                        work.resolve("qa"),
                        "fleet.qa.tools-dir",
                        E2eDirs.qaTools()));
        fleet.startAgent(
                "agents/review-agent",
                "review-agent",
                "review-1",
                Map.of(
                        "fleet.review.clone-url",
                        "file://" + forge + "/{repository}.git",
                        "fleet.review.work-root",
                        work.resolve("review"),
                        "fleet.review.orchestrator-url",
                        fleet.orchestrator(),
                        "fleet.review.orchestrator-token",
                        IsolatedServices.API_TOKEN));
        developer = startDeveloper("dev-1");
    }

    @AfterAll
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    @Order(1)
    void qaFeedbackOnAnUntestedLineIsFixedInTheSecondIterationWithATestOnly() throws Exception {
        UUID task = openIssue("demo/calc3", Samples.PY_DIVIDE_TITLE, Samples.python());
        awaitState(task, "MERGED");

        assertThat(fleet.get("/api/tasks/" + task)
                        .path("task")
                        .path("iteration")
                        .asInt())
                .isEqualTo(2);
        JsonNode firstQa = output(task, "qa.verify", 1);
        assertThat(firstQa.path("verdict").asString()).isEqualTo("FAILED");
        assertThat(firstQa.path("reasons").toString()).contains("calc.py");
        JsonNode second = output(task, "dev.implement", 2);
        assertThat(second.path("status").asString()).isEqualTo("DONE");
        assertThat(second.path("green").path("passedTests").toString()).contains("tests.test_calc#test_divide");
        assertThat(output(task, "qa.verify", 2).path("verdict").asString()).isEqualTo("PASSED");
        assertThat(output(task, "review.diff", 2).path("decision").asString()).isEqualTo("APPROVE");
    }

    @Test
    @Order(2)
    void mavenAndNodeIssuesBecomePatchesThatTheRealQaPasses() throws Exception {
        UUID java = openIssue("demo/calc-java", Samples.JAVA_TITLE, Samples.java());
        UUID node = openIssue("demo/calc-node", Samples.NODE_TITLE, Samples.node());
        awaitState(java, "MERGED");
        awaitState(node, "MERGED");

        JsonNode javaDev = devResult(java);
        assertThat(javaDev.path("red").path("output").asString()).contains("cannot find symbol");
        assertThat(javaDev.path("green").path("passedTests").toString()).contains("demo.CalculatorTest#multiplies");
        assertThat(qaResult(java).path("verdict").asString())
                .as(qaResult(java).toString())
                .isEqualTo("PASSED");
        JsonNode nodeDev = devResult(node);
        assertThat(nodeDev.path("red").path("failedTests").toString()).contains("multiplies");
        assertThat(qaResult(node).path("verdict").asString())
                .as(qaResult(node).toString())
                .isEqualTo("PASSED");
    }

    @Test
    @Order(3)
    void anIssueBecomesATestFirstPatchThatQaPassesAndAKilledDeveloperPaysNoTurnTwice() throws Exception {
        UUID calm = openIssue("demo/calc", Samples.PY_TITLE, Samples.python());
        awaitState(calm, "MERGED");

        JsonNode dev = devResult(calm);
        assertThat(dev.path("status").asString()).isEqualTo("DONE");
        assertThat(dev.path("red").path("failedTests").toString()).contains("tests.test_calc");
        assertThat(dev.path("green").path("passedTests").toString()).contains("tests.test_calc#test_multiply");
        assertThat(dev.path("filesChanged").toString()).contains("calc.py").contains("tests/test_calc.py");
        JsonNode qa = qaResult(calm);
        assertThat(qa.path("verdict").asString()).as(qa.toString()).isEqualTo("PASSED");
        assertThat(qa.path("failToPass").asInt()).isPositive();
        JsonNode review = output(calm, "review.diff", 1);
        assertThat(review.path("decision").asString()).as(review.toString()).isEqualTo("APPROVE");
        assertThat(review.path("findings").path(0).path("suggestion").asString())
                .contains("the product");
        JsonNode pull =
                fleet.get("/api/forge/local/repositories/demo/calc/pulls").path(0);
        assertThat(pull.path("state").asString()).isEqualTo("MERGED");
        assertThat(pullRequestBody("demo/calc"))
                .contains("Red, before the production change: failing")
                .contains("**APPROVE**")
                .contains("A comment saying what multiply returns would help.");
        long calmCharged = charged(calm);
        long biggestTurn = biggestTurn(calm);
        assertThat(calls(calm, "SETTLED"))
                .as("six developer turns and one review")
                .isEqualTo(7);
        assertThat(indexedCommits("demo/calc"))
                .as("the developer had the base commit indexed for retrieval")
                .isOne();

        UUID killed = openIssue("demo/calc2", Samples.PY_TITLE, Samples.python());
        await("the developer is in the middle of its loop")
                .atMost(Duration.ofSeconds(120))
                .until(() -> calls(killed, "SETTLED") >= 3);
        developer.destroyForcibly().waitFor(); // SIGKILL to that pid, mid-loop
        assertThat(state(killed)).isEqualTo("DEVELOPING");
        developer = startDeveloper("dev-2");
        awaitState(killed, "MERGED");

        assertThat(devResult(killed).path("status").asString()).isEqualTo("DONE");
        assertThat(qaResult(killed).path("verdict").asString()).isEqualTo("PASSED");
        assertThat(repeated(killed)).as("turns answered again from the archive").isEqualTo(3);
        assertThat(calls(killed, "SETTLED")).as("each turn paid once").isEqualTo(7);
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

    private UUID openIssue(String repository, String title, Map<String, String> files) throws Exception {
        Path source = work.resolve("source-" + repository.replace('/', '-'));
        try (Git git = Git.init()
                .setDirectory(source.toFile())
                .setInitialBranch("main")
                .call()) {
            for (var file : files.entrySet()) {
                Path path = source.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
            git.add().addFilepattern(".").call();
            git.commit()
                    .setMessage("base")
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
                        title,
                        "body",
                        "The calculator needs this; see the title.",
                        "labels",
                        List.of("agent")));
        assertThat(opened.path("outcome").asString()).as(opened.toString()).isEqualTo("TASK_CREATED");
        return UUID.fromString(opened.path("task").asString());
    }

    private static void write(Path file, ObjectNode recording) throws Exception {
        Files.writeString(file, recording.toPrettyString());
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
        return output(task, "dev.implement", 1);
    }

    private JsonNode qaResult(UUID task) throws Exception {
        return output(task, "qa.verify", 1);
    }

    private JsonNode output(UUID task, String inputType, int iteration) throws Exception {
        try (Connection db = services.openConnection();
                PreparedStatement query = db.prepareStatement("SELECT output::text FROM agent_logs"
                        + " WHERE task_id = ? AND input_type = ? AND iter = ? ORDER BY id DESC LIMIT 1")) {
            query.setObject(1, task);
            query.setString(2, inputType);
            query.setInt(3, iteration);
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

    private String pullRequestBody(String repository) throws Exception {
        try (Connection db = services.openConnection();
                PreparedStatement query =
                        db.prepareStatement("SELECT body FROM forge_pull_requests WHERE repository = ?")) {
            query.setString(1, repository);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).as("a pull request on " + repository).isTrue();
                return rows.getString(1);
            }
        }
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
}
