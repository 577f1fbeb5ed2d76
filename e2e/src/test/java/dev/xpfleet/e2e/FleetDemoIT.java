package dev.xpfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.testing.OtlpReceiver;
import io.lettuce.core.models.stream.PendingMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The README's first command as a newcomer runs it: {@code deploy/local/fleet demo} provisions,
 * starts three orchestrator replicas behind HAProxy and the five agents as processes, and an issue
 * on the local forge becomes a merged pull request (the models answer from the scripted recordings
 * in {@code deploy/local/demo/recordings}). Then the same with a process killed by SIGKILL (by its
 * pid) while the task runs: the replica holding the outbox relay, one that does not, and the
 * developer in the middle of its loop, the QA agent and the reviewer holding their steps; and with
 * the fleet's Redis, then the machine's PostgreSQL (by pg_ctlcluster, fast mode), restarted mid-task. Each time the task ends merged, with one pull request and
 * one result per step. Last, fifty issues at once ({@code fleet bench e2e}): fifty merged pull
 * requests, none lost, none doubled. The fleet runs under its own home and ports, and is stopped at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetDemoIT {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FleetDemoIT.class);
    private static final int PORT_BASE = 18080;
    private static final Pattern TASK = Pattern.compile("task ([0-9a-f-]{36})");
    private static final Pattern REPOSITORY = Pattern.compile("Repository (demo/calc-[0-9a-f-]+) ");

    private final HttpClient http = HttpClient.newHttpClient();
    private Path home;
    private String token;
    private final String database = "it_demo_" + Long.toHexString(System.nanoTime());
    private int redisPort;
    private String demoRepository;
    private String demoTask;

    /** Where every process of the fleet sends its spans (OTEL_EXPORTER_OTLP_ENDPOINT), as to Jaeger. */
    private OtlpReceiver otlp;

    @BeforeAll
    void home() throws IOException {
        home = E2eDirs.work("fleet-demo-" + System.nanoTime());
        otlp = OtlpReceiver.start();
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            redisPort = socket.getLocalPort();
        }
        // The checkout's database password: provisioning with another would reset the shared role's
        // and lock out the tests and services of this checkout.
        String checkoutHome = System.getenv()
                .getOrDefault("FLEET_HOME", E2eDirs.ROOT.resolve(".fleet").toString());
        Path password = Path.of(checkoutHome, "pg", "fleet.password");
        if (Files.isRegularFile(password)) {
            Files.createDirectories(home.resolve("pg"));
            Files.copy(password, home.resolve("pg/fleet.password"));
        }
    }

    @AfterAll
    void down() throws Exception {
        if (redisClient != null) {
            redisClient.shutdown();
        }
        if (otlp != null) {
            otlp.close();
        }
        if (home != null) {
            run(List.of("bash", "deploy/local/fleet", "down"), Duration.ofMinutes(3));
            dropDatabase();
        }
    }

    @Test
    @Order(1)
    void theReadmesFirstCommandTakesAnIssueToAMergedPullRequestThroughThreeReplicas() throws Exception {
        Run demo = run(List.of("bash", "deploy/local/fleet", "demo"), Duration.ofMinutes(20));

        assertThat(demo.exit()).as(demo.output()).isZero();
        assertThat(demo.output())
                .contains("HAProxy on http://127.0.0.1:" + PORT_BASE + " in front of 3 orchestrator replica(s)")
                .contains("MERGED")
                .contains("Pull request #")
                .contains("Review: APPROVE");
        token = Files.readAllLines(home.resolve("services.env")).stream()
                .filter(l -> l.startsWith("FLEET_API_TOKEN="))
                .map(l -> l.substring("FLEET_API_TOKEN=".length()))
                .findFirst()
                .orElseThrow();
        assertOneOfEverything(demo.output());
        demoRepository = find(REPOSITORY, demo.output());
        demoTask = find(TASK, demo.output());
        Run status = run(List.of("bash", "deploy/local/fleet", "status"), Duration.ofMinutes(1));
        for (int n = 1; n <= 3; n++) {
            assertThat(status.output()).containsPattern("orchestrator-" + n + " +[0-9]+ .* UP +UP");
        }
    }

    /**
     * The demo's task is one trace across the processes, as Jaeger receives it over OTLP: the
     * request that started it is the one root, every other span's parent is in the trace, and it
     * holds spans of the orchestrator, the outbox relay, the developer, QA and the reviewer, the
     * model gateway's calls (children of the agent's step) and the pull request's opening.
     */
    @Test
    @Order(2)
    void theDemosTaskIsOneTraceAcrossEveryProcess() throws Exception {
        String traceId = traceOf(demoTask);
        List<OtlpReceiver.Received> trace = await("the task's spans exported, their tree complete")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> otlp.spans().stream()
                                .filter(s -> s.traceId().equals(traceId))
                                .toList(),
                        spans -> complete(spans)
                                && spans.stream().anyMatch(s -> s.name().equals("forge pull-request"))
                                && spans.stream()
                                        .map(OtlpReceiver.Received::service)
                                        .collect(java.util.stream.Collectors.toSet())
                                        .containsAll(List.of("orchestrator", "dev-agent", "qa-agent", "review-agent")));
        log.info(
                "The demo's trace {}: {} spans: {}",
                traceId,
                trace.size(),
                trace.stream().map(s -> s.service() + ":" + s.name()).distinct().toList());
        assertThat(trace)
                .filteredOn(s -> s.parentSpanId().isEmpty())
                .singleElement()
                .satisfies(root -> assertThat(root.kind()).isEqualTo("SPAN_KIND_SERVER"));
        assertThat(trace)
                .as("the outbox relay hands each step to its agent")
                .anySatisfy(s -> assertThat(s.name()).isEqualTo("outbox-relay dev.implement"))
                .anySatisfy(s -> assertThat(s.name()).isEqualTo("outbox-relay qa.verify"))
                .anySatisfy(s -> assertThat(s.name()).isEqualTo("outbox-relay review.diff"));
        assertThat(trace)
                .as("the model gateway's calls, in the orchestrator, children of an agent's span")
                .anySatisfy(s -> {
                    assertThat(s.service()).isEqualTo("orchestrator");
                    assertThat(s.name()).contains("/v1/chat/completions");
                    assertThat(trace)
                            .filteredOn(parent -> parent.spanId().equals(s.parentSpanId()))
                            .singleElement()
                            .satisfies(parent -> assertThat(parent.service()).endsWith("-agent"));
                });
    }

    @Test
    @Order(3)
    void aPairIssueTakesTwoIterationsToAMergedPullRequestEvenWithItsCoordinatorKilledHoldingATurn() throws Exception {
        Process demo = startDemoScript("--pair");
        await().atMost(Duration.ofSeconds(60)).until(() -> taskStarted(demo));
        String task = find(TASK, Files.readString(logs.get(demo)));
        // The session's lock as a coordinator that died holding it leaves it: 20 s to live. The
        // coordinator's next turn waits for it, holding its entry; it is killed then.
        String lock = "fleet:pair:lock:" + task;
        await("the session's lock, between two turns")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> "OK"
                        .equals(redis().set(
                                        lock,
                                        "a-coordinator-that-died",
                                        io.lettuce.core.SetArgs.Builder.nx().px(20_000))));
        await("a turn delivered to the coordinator, waiting for the lock")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> pending(AgentRole.PAIR).size() == 1);
        assertThat(pending(AgentRole.PAIR).getFirst().getConsumer()).isEqualTo("pair-coordinator");
        kill("pair-coordinator");
        Run up = run(List.of("bash", "deploy/local/fleet", "up"), Duration.ofMinutes(5));
        assertThat(up.exit()).as(up.output()).isZero();

        Run finished = finish(demo, Duration.ofMinutes(5));
        assertThat(finished.exit()).as(finished.output()).isZero();
        assertThat(finished.output())
                .contains("MERGED")
                .contains("Pair session: 2 proposal(s)")
                .as("the navigator's suggested line, applied before the driver's second turn")
                .contains("navigator's suggestions: 1 applied, 0 refused");
        String repository = find(REPOSITORY, finished.output());
        JsonNode pulls = get("/api/forge/local/repositories/" + repository + "/pulls");
        assertThat(pulls).hasSize(1);
        assertThat(pulls.path(0).path("headBranch").asString())
                .as("the pull request is the accepted iteration's branch")
                .isEqualTo("pair/" + task + "/iter2");
        assertThat(completedSteps(task))
                .as("each turn of each iteration once, the killed coordinator's too")
                .containsOnly(
                        Map.entry("dev.implement#1", 1),
                        Map.entry("qa.verify#1", 1),
                        Map.entry("review.diff#1", 1),
                        Map.entry("dev.implement#2", 1),
                        Map.entry("qa.verify#2", 1),
                        Map.entry("review.diff#2", 1),
                        Map.entry("pair.start#1", 1),
                        Map.entry("pair.turn#1", 3),
                        Map.entry("pair.turn#2", 3));
        assertThat(pairBranches(repository)).containsExactly("pair/" + task + "/iter1", "pair/" + task + "/iter2");
        JsonNode sessions = get("/api/tasks/" + task + "/pair");
        assertThat(sessions).hasSize(1);
        JsonNode iterations = sessions.path(0).path("iterations");
        assertThat(iterations).hasSize(2);
        for (int n = 1; n <= 2; n++) {
            JsonNode iteration = iterations.path(n - 1);
            assertThat(iteration.path("branch").asString()).isEqualTo("pair/" + task + "/iter" + n);
            assertThat(iteration.path("snapshot").asString()).endsWith("/iter_" + n + ".tar.gz");
            JsonNode driver = null;
            for (JsonNode turn : iteration.path("turns")) {
                if ("dev.implement".equals(turn.path("step").asString())) {
                    driver = turn;
                }
            }
            assertThat(driver).as("iteration " + n + "'s proposal").isNotNull();
            assertThat(driver.path("exchanges").size())
                    .as("the driver's prompts, linked through the gateway's archive")
                    .isGreaterThanOrEqualTo(4);
            assertThat(driver.path("exchanges").path(0).asString()).startsWith("tasks/" + task + "/model/");
        }
        try (var snapshots = Files.find(
                home.resolve("s3"), 8, (path, attributes) -> path.toString().contains("pair_session/"))) {
            assertThat(snapshots.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tar.gz")))
                    .as("a snapshot of the session per iteration")
                    .containsExactlyInAnyOrder("iter_1.tar.gz", "iter_2.tar.gz");
        }
    }

    @Test
    @Order(4)
    void aPairSessionAtMaxItersNeedsAPersonWithItsIterationsAndBranches() throws Exception {
        String repository = sampleRepository(Map.of());
        HttpResponse<String> created = post(
                "/api/tasks",
                "{\"repository\": \"" + repository + "\", \"title\": \"Add divide to calc\", \"body\": "
                        + "\"calc.py cannot divide. Add divide(a, b), which returns a divided by b, with tests. "
                        + "Dividing by zero must raise a ValueError that says so.\", \"mode\": \"PAIR\", "
                        + "\"maxIters\": 1}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String task = FleetProcesses.JSON.readTree(created.body()).path("id").asString();

        JsonNode ended = await("the session stops at max_iters")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> get("/api/tasks/" + task).path("task"),
                        t -> !"PAIRING".equals(t.path("state").asString()));
        assertThat(ended.path("state").asString()).isEqualTo("NEEDS_HUMAN");
        assertThat(get("/api/tasks/" + task + "/timeline").toString())
                .contains("max_iters (1) reached")
                .contains("iteration 1 (pair/" + task + "/iter1): developer DONE, QA PASSED, review CHANGES_REQUESTED");
        assertThat(get("/api/forge/local/repositories/" + repository + "/pulls"))
                .isEmpty();
        await("the proposal's branch")
                .atMost(Duration.ofSeconds(30))
                .until(() -> pairBranches(repository).contains("pair/" + task + "/iter1"));
    }

    @Test
    @Order(5)
    void aPingPongPairSessionAlternatesTestAndCodeTurnsUntilTheTestsAreDone() throws Exception {
        String repository = sampleRepository(Map.of(".fleet.yml", "max-iters: 5\npair:\n  ping-pong: true\n"));
        HttpResponse<String> created = post(
                "/api/tasks",
                "{\"repository\": \"" + repository + "\", \"title\": \"Add divide to calc\", \"body\": "
                        + "\"calc.py cannot divide. Add divide(a, b), which returns a divided by b, with tests. "
                        + "Dividing by zero must raise a ValueError that says so.\", \"mode\": \"PAIR\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String task = FleetProcesses.JSON.readTree(created.body()).path("id").asString();

        JsonNode ended = await("the ping-pong session ends")
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> get("/api/tasks/" + task).path("task"),
                        t -> !List.of("PAIRING", "APPROVED", "PR_OPEN")
                                .contains(t.path("state").asString()));
        assertThat(ended.path("state").asString())
                .as(get("/api/tasks/" + task + "/timeline").toString())
                .isEqualTo("MERGED");
        List<String> driverTurns = new ArrayList<>();
        for (JsonNode result : get("/api/tasks/" + task + "/results")) {
            if ("dev.implement".equals(result.path("step").asString())) {
                driverTurns.add(result.path("iteration").asInt() + ":"
                        + result.path("output").path("pairRole").asString() + ":"
                        + result.path("output").path("status").asString());
            }
        }
        assertThat(driverTurns)
                .as("a failing test, then the code that makes it pass, roles swapping, until the tests are done")
                .containsExactly("1:tests:DONE", "1:code:DONE", "2:tests:DONE", "2:code:DONE", "3:tests:TESTS_DONE");
        assertThat(completedSteps(task))
                .containsEntry("qa.verify#1", 1)
                .containsEntry("qa.verify#2", 1)
                .containsEntry("qa.verify#3", 1)
                .containsEntry("review.diff#3", 1)
                .doesNotContainKey("review.diff#1");
        assertThat(pairBranches(repository))
                .containsExactly("pair/" + task + "/iter1", "pair/" + task + "/iter2", "pair/" + task + "/iter3");
        JsonNode pulls = get("/api/forge/local/repositories/" + repository + "/pulls");
        assertThat(pulls).hasSize(1);
        assertThat(pulls.path(0).path("headBranch").asString()).isEqualTo("pair/" + task + "/iter3");
    }

    @Test
    @Order(6)
    void theRefactoringRunOpensTheSamplesHotspotWhoseTaskPinsThenRefactorsToAMergedPullRequest() throws Exception {
        Run demo = finish(startDemoScript("--refactor"), Duration.ofMinutes(8));

        assertThat(demo.exit()).as(demo.output()).isZero();
        assertThat(demo.output())
                .contains("Scan (builtin)")
                .contains("open Refactor shipping.py: Functions should not be too complex")
                .contains("labelled agent, refactor")
                .contains("MERGED")
                .contains("Review: APPROVE")
                .contains("new tests that pass before and after (a refactoring's pins): 4");
        String task = find(TASK, demo.output());
        String repository = find(Pattern.compile("Repository (demo/shipping-[0-9a-f-]+) "), demo.output());
        JsonNode developer = null;
        JsonNode qa = null;
        for (JsonNode result : get("/api/tasks/" + task + "/results")) {
            switch (result.path("step").asString()) {
                case "dev.implement" -> developer = result.path("output");
                case "qa.verify" -> qa = result.path("output");
                default -> {}
            }
        }
        assertThat(developer.path("status").asString()).isEqualTo("DONE");
        assertThat(developer.path("red").path("passed").asBoolean())
                .as("a refactoring's red pins today's behaviour: its run passes")
                .isTrue();
        assertThat(qa.path("failToPass").asInt()).isZero();
        assertThat(qa.path("alreadyPassing").asInt()).isEqualTo(4);

        // The hotspot is gone: the next run finds nothing to open.
        HttpResponse<String> again =
                post("/api/refactor/runs", "{\"repositories\": [\"" + repository + "\"], \"dryRun\": true}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        String run = FleetProcesses.JSON.readTree(again.body()).path("id").asString();
        JsonNode scan = await("the second scan")
                .atMost(Duration.ofMinutes(2))
                .until(
                        () -> get("/api/refactor/runs/" + run).path("scans").path(0),
                        s -> "DONE".equals(s.path("state").asString()));
        assertThat(scan.path("plan").toString()).doesNotContain("\"decision\":\"open\"");
    }

    /**
     * A real Prometheus (Debian's) scrapes the fleet that did the demo, the pair sessions and the
     * refactoring, as the stack's does (the orchestrator with a scraper token, the agents on their
     * own ports), and every query of every dashboard panel answers with series: a panel that shows
     * nothing is a defect.
     */
    @Test
    @Order(7)
    void prometheusScrapingTheFleetAnswersEveryDashboardPanelWithSeries() throws Exception {
        String scraper = FleetProcesses.JSON
                .readTree(post("/api/tokens", "{\"name\": \"prometheus-e2e\", \"role\": \"scraper\"}")
                        .body())
                .path("token")
                .asString();
        Path dir = Files.createDirectories(home.resolve("prometheus"));
        Files.writeString(dir.resolve("scraper.token"), scraper);
        StringBuilder config = new StringBuilder(
                """
                global:
                  scrape_interval: 2s
                  scrape_timeout: 2s
                scrape_configs:
                  - job_name: orchestrator
                    metrics_path: /actuator/prometheus
                    authorization:
                      type: Bearer
                      credentials_file: %s
                    static_configs:
                      - targets: ['127.0.0.1:%d', '127.0.0.1:%d', '127.0.0.1:%d']
                  - job_name: agents
                    metrics_path: /actuator/prometheus
                    static_configs:
                """.formatted(dir.resolve("scraper.token"), PORT_BASE + 11, PORT_BASE + 12, PORT_BASE + 13));
        List<String> agents = List.of("dev-agent", "qa-agent", "review-agent", "refactor-agent", "pair-coordinator");
        for (int i = 0; i < agents.size(); i++) {
            config.append("      - targets: ['127.0.0.1:%d']\n        labels: {service: %s}\n"
                    .formatted(PORT_BASE + 1 + i, agents.get(i)));
        }
        Files.writeString(dir.resolve("prometheus.yml"), config);
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process prometheus = new ProcessBuilder(
                        "prometheus",
                        "--config.file=" + dir.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        try {
            URI api = URI.create("http://127.0.0.1:" + port);
            List<String> queries = panelQueries();
            List<String> empty = new ArrayList<>(queries);
            try {
                await("every panel's query answered with series (Prometheus log: " + dir.resolve("prometheus.log")
                                + ")")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofSeconds(2))
                        .ignoreExceptions()
                        .until(() -> {
                            assertThat(prometheus.isAlive())
                                    .as("Prometheus runs")
                                    .isTrue();
                            List<String> still = new ArrayList<>();
                            for (String query : queries) {
                                if (series(api, query) == 0) {
                                    still.add(query);
                                }
                            }
                            empty.retainAll(still);
                            return still.isEmpty();
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("panels whose query answers nothing: " + empty, e);
            }
            assertThat(series(api, "up{job=\"orchestrator\"} == 1"))
                    .as("three replicas scraped")
                    .isEqualTo(3);
            assertThat(series(api, "up{job=\"agents\"} == 1"))
                    .as("five agents scraped")
                    .isEqualTo(5);
            log.info("{} panel queries answered with series", queries.size());
        } finally {
            prometheus.destroy();
            prometheus.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Restoring a dump: the database is dumped with the task in the developer's hands (the agents
     * stopped by SIGSTOP so nothing moves meanwhile), then dropped and restored from the dump by
     * {@code fleet restore} while the replicas run; they reconnect and the task is merged, with one
     * of everything.
     */
    @Test
    @Order(13)
    void aDumpRestoredOverTheDatabaseMidTaskAndTheFleetCarriesOn() throws Exception {
        Process demo = startDemoScript();
        await().atMost(Duration.ofSeconds(60)).until(() -> taskStarted(demo));
        String task = find(TASK, Files.readString(logs.get(demo)));
        awaitTurnsPaid(task, 1);
        List<String> agents = List.of("dev-agent", "qa-agent", "review-agent");
        for (String agent : agents) {
            signal("STOP", agent);
        }
        try {
            Run backup = run(List.of("bash", "deploy/local/fleet", "backup"), Duration.ofMinutes(2));
            assertThat(backup.exit()).as(backup.output()).isZero();
            String dump = backup.output()
                    .lines()
                    .filter(line -> line.endsWith(".dump") && !line.contains(" "))
                    .reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no dump named in " + backup.output()));
            assertThat(Path.of(dump)).isRegularFile().startsWith(home.resolve("backups/postgres"));
            Run restore = run(List.of("bash", "deploy/local/fleet", "restore", dump), Duration.ofMinutes(2));
            assertThat(restore.exit()).as(restore.output()).isZero();
            assertThat(restore.output()).contains("restored " + database + " from " + dump);
        } finally {
            for (String agent : agents) {
                signal("CONT", agent);
            }
        }
        Run finished = finish(demo, Duration.ofMinutes(5));
        assertThat(finished.exit())
                .as("database restored: " + finished.output())
                .isZero();
        assertThat(finished.output()).contains("MERGED");
        assertOneOfEverything(finished.output());
    }

    @Test
    @Order(8)
    void aReplicaKilledWhileTheTaskRunsLosesNothingWhetherItHoldsTheRelayOrNot() throws Exception {
        for (boolean holdsTheRelay : List.of(true, false)) {
            String holder = relayHolder();
            String victim =
                    holdsTheRelay ? holder : (holder.equals("orchestrator-1") ? "orchestrator-2" : "orchestrator-1");
            Process demo = startDemoScript();
            await().atMost(Duration.ofSeconds(60)).until(() -> taskStarted(demo));
            kill(victim);
            Run finished = finish(demo, Duration.ofMinutes(5));
            assertThat(finished.exit())
                    .as(victim + " killed: " + finished.output())
                    .isZero();
            assertThat(finished.output()).contains("MERGED");
            assertOneOfEverything(finished.output());
            assertThat(run(List.of("bash", "deploy/local/fleet", "up"), Duration.ofMinutes(5))
                            .exit())
                    .as("up brings " + victim + " back")
                    .isZero();
        }
    }

    @Test
    @Order(9)
    void aDeveloperKilledInTheMiddleOfItsLoopIsReplacedAndTheTaskIsMerged() throws Exception {
        Process demo = startDemoScript();
        await().atMost(Duration.ofSeconds(60)).until(() -> taskStarted(demo));
        String task = find(TASK, Files.readString(logs.get(demo)));
        awaitTurnsPaid(task, 2);
        kill("dev-agent");
        assertThat(get("/api/tasks/" + task).path("task").path("state").asString())
                .as("killed in the middle of its loop")
                .isEqualTo("DEVELOPING");
        Run up = run(List.of("bash", "deploy/local/fleet", "up"), Duration.ofMinutes(5));
        assertThat(up.exit()).as(up.output()).isZero();
        Run finished = finish(demo, Duration.ofMinutes(5));
        assertThat(finished.exit()).as(finished.output()).isZero();
        assertOneOfEverything(finished.output());
    }

    @Test
    @Order(10)
    void theQaAgentAndTheReviewerKilledHoldingTheirStepAreReplacedAndTheTaskIsMerged() throws Exception {
        // Killed by its pid once its step is delivered to it and not yet acknowledged; `fleet up`
        // starts a new one under the same consumer name, which takes the step back at once (not after
        // fleet.consumer.reclaim-idle, 60 s, when any consumer could). A step can end between the
        // poll and the kill: then the round is tried again, up to three times.
        for (AgentRole role : List.of(AgentRole.QA, AgentRole.REVIEW)) {
            String service = role == AgentRole.QA ? "qa-agent" : "review-agent";
            boolean heldAtTheKill = false;
            for (int round = 1; round <= 3 && !heldAtTheKill; round++) {
                Process demo = startDemoScript();
                await().atMost(Duration.ofSeconds(60)).until(() -> taskStarted(demo));
                String task = find(TASK, Files.readString(logs.get(demo)));
                await(service + "'s step delivered to it")
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> !pending(role).isEmpty()
                                || !List.of("DEVELOPING", "TESTING", "REVIEWING")
                                        .contains(get("/api/tasks/" + task)
                                                .path("task")
                                                .path("state")
                                                .asString()));
                kill(service);
                long killedAt = System.nanoTime();
                List<PendingMessage> held = pending(role);
                heldAtTheKill =
                        held.size() == 1 && held.getFirst().getConsumer().equals(service);
                log.info("{} killed in round {}, holding its step: {}", service, round, heldAtTheKill);
                Run up = run(List.of("bash", "deploy/local/fleet", "up"), Duration.ofMinutes(5));
                assertThat(up.exit()).as(up.output()).isZero();
                if (heldAtTheKill) {
                    String entry = held.getFirst().getId();
                    await("the new " + service + " takes the step back (or has finished it)")
                            .atMost(Duration.ofSeconds(15))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> pending(role).stream()
                                    .allMatch(p -> p.getId().equals(entry)
                                            && p.getConsumer().equals(service)
                                            && p.getRedeliveryCount() >= 2));
                    assertThat(Duration.ofNanos(System.nanoTime() - killedAt))
                            .as("taken back before fleet.consumer.reclaim-idle (60 s) let any consumer take it over")
                            .isLessThan(Duration.ofSeconds(58));
                }
                Run finished = finish(demo, Duration.ofMinutes(5));
                assertThat(finished.exit())
                        .as(service + " killed: " + finished.output())
                        .isZero();
                assertThat(finished.output()).contains("MERGED");
                assertOneOfEverything(finished.output());
            }
            assertThat(heldAtTheKill)
                    .as(service + " was killed holding its step in one of three rounds")
                    .isTrue();
        }
    }

    @Test
    @Order(11)
    void redisRestartedWhileTheTaskRunsLosesNothing() throws Exception {
        Process demo = startDemoScript();
        await().atMost(Duration.ofSeconds(60)).until(() -> taskStarted(demo));
        assertThat(redis().configGet("appendonly"))
                .as("the fleet's Redis persists its streams")
                .containsEntry("appendonly", "yes");
        long pid = pid("redis");
        ProcessHandle redis =
                ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("the fleet's Redis is not running"));
        new ProcessBuilder("kill", "-TERM", Long.toString(pid)).start().waitFor(); // a restart, by its pid
        redis.onExit().get(30, TimeUnit.SECONDS);
        await("the replicas notice Redis is gone")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> readiness(1) != 200);
        Run up = run(List.of("bash", "deploy/local/fleet", "up"), Duration.ofMinutes(5));
        assertThat(up.exit()).as(up.output()).isZero();
        assertThat(up.output()).contains("appendonly yes");

        Run finished = finish(demo, Duration.ofMinutes(5));
        assertThat(finished.exit()).as("Redis restarted: " + finished.output()).isZero();
        assertThat(finished.output()).contains("MERGED");
        assertOneOfEverything(finished.output());
    }

    @Test
    @Order(12)
    void postgresRestartedWhileTheTaskRunsLosesNothing() throws Exception {
        String[] cluster = postgresCluster();
        Process demo = startDemoScript();
        await().atMost(Duration.ofSeconds(60)).until(() -> taskStarted(demo));
        String task = find(TASK, Files.readString(logs.get(demo)));
        awaitTurnsPaid(task, 1);
        restartPostgres(cluster); // the developer at work: the gateway's calls, the relay, the status comment
        String state = await("the developer's step applied")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(
                        () -> get("/api/tasks/" + task)
                                .path("task")
                                .path("state")
                                .asString(),
                        st -> !st.equals("DEVELOPING"));
        log.info("Second PostgreSQL restart with the task in {}", state);
        restartPostgres(cluster); // QA or the reviewer at work: their results reach the results consumer

        Run finished = finish(demo, Duration.ofMinutes(5));
        assertThat(finished.exit())
                .as("PostgreSQL restarted: " + finished.output())
                .isZero();
        assertThat(finished.output()).contains("MERGED");
        assertOneOfEverything(finished.output());
    }

    @Test
    @Order(14)
    void fiftyIssuesAtOnceBecomeFiftyMergedPullRequestsWithNothingLostOrDoneTwice() throws Exception {
        Run bench = run(List.of("bash", "deploy/local/fleet", "bench", "e2e", "--tasks", "50"), Duration.ofMinutes(20));

        log.info("fleet bench e2e --tasks 50:\n{}", bench.output());
        assertThat(bench.exit()).as(bench.output()).isZero();
        assertThat(bench.output()).contains("ended: 50 of 50; merged: 50; lost or doubled: 0");
    }

    /** The readiness status code of orchestrator replica {@code n}, straight, not through the proxy. */
    private int readiness(int n) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + (PORT_BASE + 10 + n) + "/actuator/health/readiness"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Entries of the role's stream delivered to a consumer and not acknowledged, with their owner. */
    private List<PendingMessage> pending(AgentRole role) {
        StreamNames names = new StreamNames("fleet:");
        return redis().xpending(
                        names.tasks(role),
                        names.group(role),
                        io.lettuce.core.Range.unbounded(),
                        io.lettuce.core.Limit.from(10));
    }

    /** One connection to the fleet's Redis for the whole class (reconnecting after its restart). */
    private io.lettuce.core.api.sync.RedisCommands<String, String> redis() {
        if (redisConnection == null) {
            redisClient = io.lettuce.core.RedisClient.create("redis://127.0.0.1:" + redisPort);
            redisConnection = redisClient.connect();
        }
        return redisConnection.sync();
    }

    private io.lettuce.core.RedisClient redisClient;
    private io.lettuce.core.api.StatefulRedisConnection<String, String> redisConnection;

    /** One pull request, merged, and one completed result per step of the one iteration. */
    private void assertOneOfEverything(String output) throws Exception {
        String task = find(TASK, output);
        String repository = find(REPOSITORY, output);
        JsonNode pulls = get("/api/forge/local/repositories/" + repository + "/pulls");
        assertThat(pulls).hasSize(1);
        assertThat(pulls.path(0).path("state").asString()).isEqualTo("MERGED");
        assertThat(completedSteps(task))
                .containsEntry("dev.implement#1", 1)
                .containsEntry("qa.verify#1", 1)
                .containsEntry("review.diff#1", 1);
    }

    /**
     * The demo's sample repository, plus {@code files}, on the local forge under a new name.
     *
     * @return its name
     */
    private String sampleRepository(Map<String, String> files) throws Exception {
        String repository = "demo/pair-" + Long.toHexString(System.nanoTime());
        Path source = home.resolve("source-" + repository.replace('/', '-'));
        run(
                List.of(
                        "cp",
                        "-r",
                        E2eDirs.ROOT.resolve("deploy/local/demo/repository").toString(),
                        source.toString()),
                Duration.ofSeconds(30));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(source.resolve(file.getKey()), file.getValue());
        }
        for (List<String> git : List.of(
                List.of("init", "-q", "-b", "main"),
                List.of("add", "."),
                List.of("-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-q", "-m", "calc"))) {
            List<String> command = new ArrayList<>(List.of("git", "-C", source.toString()));
            command.addAll(git);
            assertThat(run(command, Duration.ofSeconds(30)).exit()).isZero();
        }
        HttpResponse<String> imported = post(
                "/api/forge/local/repositories",
                "{\"repository\": \"" + repository + "\", \"importFrom\": \"" + source + "\"}");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        return repository;
    }

    /** The pair branches of a repository on the local forge. */
    private List<String> pairBranches(String repository) throws Exception {
        Path gitDir = home.resolve("forge/" + repository + ".git");
        return run(List.of("git", "--git-dir", gitDir.toString(), "branch", "--list", "pair/*"), Duration.ofSeconds(30))
                .output()
                .lines()
                .map(String::strip)
                .toList();
    }

    /** How often each step of each iteration completed: "step#iteration" -> count. */
    private Map<String, Integer> completedSteps(String task) throws Exception {
        Map<String, Integer> steps = new HashMap<>();
        for (JsonNode result : get("/api/tasks/" + task + "/results")) {
            if ("COMPLETED".equals(result.path("outcome").asString())) {
                steps.merge(
                        result.path("step").asString() + "#"
                                + result.path("iteration").asInt(),
                        1,
                        Integer::sum);
            }
        }
        return steps;
    }

    private String relayHolder() throws Exception {
        List<String> seen = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + (PORT_BASE + 10 + n) + "/actuator/prometheus"))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            List<String> relay = metrics.body()
                    .lines()
                    .filter(l -> l.startsWith("fleet_outbox_relay_active"))
                    .toList();
            seen.add("orchestrator-" + n + " (" + metrics.statusCode() + "): " + relay);
            if (relay.stream().anyMatch(l -> l.endsWith(" 1.0") || l.endsWith(" 1"))) {
                return "orchestrator-" + n;
            }
        }
        throw new AssertionError("no replica holds the outbox relay: " + seen);
    }

    /** The PromQL of every panel of every dashboard in deploy/grafana/dashboards. */
    private static List<String> panelQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(E2eDirs.ROOT.resolve("deploy/grafana/dashboards"))) {
            for (Path file : files.sorted().toList()) {
                for (JsonNode panel :
                        FleetProcesses.JSON.readTree(Files.readString(file)).path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        queries.add(target.path("expr").asString());
                    }
                }
            }
        }
        assertThat(queries).hasSizeGreaterThan(20);
        return queries;
    }

    /** How many series a PromQL query answers with, now. */
    private int series(URI prometheus, String query) throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(prometheus.resolve(
                                "/api/v1/query?query=" + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(query + ": " + answer.body()).isEqualTo(200);
        return FleetProcesses.JSON
                .readTree(answer.body())
                .path("data")
                .path("result")
                .size();
    }

    private void signal(String signal, String service) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid(service)))
                .start()
                .waitFor();
    }

    /** Every span's parent is a span of the trace (only the root has none). */
    private static boolean complete(List<OtlpReceiver.Received> spans) {
        java.util.Set<String> ids =
                spans.stream().map(OtlpReceiver.Received::spanId).collect(java.util.stream.Collectors.toSet());
        return !spans.isEmpty()
                && spans.stream().allMatch(s -> s.parentSpanId().isEmpty() || ids.contains(s.parentSpanId()));
    }

    /** The trace id of a task: the traceparent its first message carries. */
    private String traceOf(String task) throws Exception {
        Map<String, String> env = servicesEnv();
        String url = "jdbc:postgresql://" + env.get("FLEET_PG_HOST") + ":" + env.get("FLEET_PG_PORT") + "/" + database;
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(
                        url, env.get("FLEET_PG_USER"), env.get("FLEET_PG_PASSWORD"));
                java.sql.PreparedStatement query = db.prepareStatement(
                        "SELECT envelope FROM outbox_events WHERE task_id = ? ORDER BY id LIMIT 1")) {
            query.setObject(1, java.util.UUID.fromString(task));
            try (java.sql.ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("a message of task " + task).isTrue();
                String traceparent = FleetProcesses.JSON
                        .readTree(row.getString(1))
                        .path("traceparent")
                        .asString();
                assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
                return traceparent.substring(3, 35);
            }
        }
    }

    private long pid(String service) throws IOException {
        return Long.parseLong(
                Files.readString(home.resolve("run/" + service + ".pid")).strip());
    }

    private void kill(String service) throws Exception {
        long pid = pid(service);
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(service + " is not running"));
        new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
        handle.onExit().get(30, TimeUnit.SECONDS);
    }

    private Process startDemoScript(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", "deploy/local/demo.py"));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(E2eDirs.ROOT.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.putAll(fleetEnvironment());
        env.put("FLEET_DEMO_API", "http://127.0.0.1:" + PORT_BASE);
        env.put("FLEET_DEMO_TOKEN", token);
        env.put("FLEET_ROOT", E2eDirs.ROOT.toString());
        Path log = Files.createTempFile(home, "demo", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        logs.put(process, log);
        return process;
    }

    private final Map<Process, Path> logs = new HashMap<>();

    private boolean taskStarted(Process demo) throws IOException {
        return TASK.matcher(Files.readString(logs.get(demo))).find();
    }

    private Run finish(Process demo, Duration timeout) throws Exception {
        boolean done = demo.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        if (!done) {
            demo.destroyForcibly();
        }
        return new Run(done ? demo.exitValue() : -1, Files.readString(logs.get(demo)));
    }

    private record Run(int exit, String output) {}

    private Run run(List<String> command, Duration timeout) throws Exception {
        Path log = Files.createTempFile(home, "fleet", ".log");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(E2eDirs.ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(fleetEnvironment());
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Run(-1, Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /**
     * Its own home, ports, database and Redis: nothing shared with this checkout's fleet or tests
     * (two fleets on one database would take each other's work).
     */
    private Map<String, String> fleetEnvironment() {
        return Map.of(
                "FLEET_HOME", home.toString(),
                "FLEET_PORT_BASE", Integer.toString(PORT_BASE),
                "FLEET_PG_DATABASE", database,
                "FLEET_REDIS_PORT", Integer.toString(redisPort),
                "OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint());
    }

    private void dropDatabase() throws IOException {
        try (java.sql.Connection db = postgres();
                java.sql.Statement sql = db.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + database);
        } catch (java.sql.SQLException e) {
            log.warn("Could not drop {}: {}", database, e.getMessage());
        }
    }

    /** The fleet's PostgreSQL server, as its services.env names it (database postgres). */
    private java.sql.Connection postgres() throws IOException, java.sql.SQLException {
        Map<String, String> env = servicesEnv();
        String url = "jdbc:postgresql://" + env.get("FLEET_PG_HOST") + ":" + env.get("FLEET_PG_PORT") + "/postgres";
        return java.sql.DriverManager.getConnection(url, env.get("FLEET_PG_USER"), env.get("FLEET_PG_PASSWORD"));
    }

    private Map<String, String> servicesEnv() throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(home.resolve("services.env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    /** A fast shutdown and start, as a restart for maintenance does: every session is ended at once. */
    private void restartPostgres(String[] cluster) throws Exception {
        java.time.OffsetDateTime started = postmasterStarted();
        Run restart = run(
                List.of("pg_ctlcluster", "--mode", "fast", cluster[0], cluster[1], "restart"), Duration.ofMinutes(2));
        assertThat(restart.exit()).as(restart.output()).isZero();
        assertThat(postmasterStarted()).as("PostgreSQL restarted").isAfter(started);
    }

    private java.time.OffsetDateTime postmasterStarted() throws Exception {
        try (java.sql.Connection db = postgres();
                java.sql.ResultSet rs = db.createStatement().executeQuery("SELECT pg_postmaster_start_time()")) {
            rs.next();
            return rs.getObject(1, java.time.OffsetDateTime.class);
        }
    }

    /**
     * The version and name of the machine's PostgreSQL cluster the fleet uses (Debian's
     * pg_lsclusters, matched by port): the one this test restarts.
     */
    private String[] postgresCluster() throws Exception {
        String port = servicesEnv().get("FLEET_PG_PORT");
        Run clusters = run(List.of("pg_lsclusters", "--no-header"), Duration.ofSeconds(30));
        assertThat(clusters.exit())
                .as("restarting PostgreSQL needs its cluster on this machine (pg_lsclusters): " + clusters.output())
                .isZero();
        for (String line : clusters.output().lines().toList()) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length >= 4 && fields[2].equals(port) && fields[3].equals("online")) {
                return new String[] {fields[0], fields[1]};
            }
        }
        throw new AssertionError("no online PostgreSQL cluster on port " + port + " in:\n" + clusters.output());
    }

    /** Waits until the task's model calls through the gateway number at least {@code turns}. */
    private void awaitTurnsPaid(String task, int turns) {
        await(turns + " of the developer's turns paid")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> get("/api/tasks/" + task)
                                .path("usage")
                                .path("gateway")
                                .path("calls")
                                .asInt()
                        >= turns);
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT_BASE + path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT_BASE + path))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return FleetProcesses.JSON.readTree(response.body());
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as(pattern + " in " + text).isTrue();
        return m.group(1);
    }
}
