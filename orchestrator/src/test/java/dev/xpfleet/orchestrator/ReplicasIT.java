package dev.xpfleet.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.ServiceJar;
import dev.xpfleet.common.testing.TestRedis;
import dev.xpfleet.orchestrator.outbox.Outbox;
import dev.xpfleet.orchestrator.outbox.OutboxRelay;
import dev.xpfleet.orchestrator.outbox.PublishedOrder;
import dev.xpfleet.orchestrator.webhook.WebhookClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Replicas as the fleet runs them: the packaged orchestrator as separate processes on one database
 * and one Redis, next to this test's own instance. Deliveries race across processes, and the
 * process holding the outbox relay is killed by its pid mid-run.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"fleet.outbox.standby-interval=200ms"})
@FleetServices(database = true)
class ReplicasIT {

    private static final Logger log = LoggerFactory.getLogger(ReplicasIT.class);

    @LocalServerPort
    int port;

    @Autowired
    IsolatedServices services;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxRelay relay;

    @Autowired
    TransactionTemplate transactions;

    private final List<Process> replicas = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private TestRedis redis;
    private StreamNames names;

    @BeforeEach
    void connect() {
        redis = new TestRedis(services);
        names = redis.names();
    }

    @AfterEach
    void stopReplicas() throws Exception {
        for (Process replica : replicas) {
            replica.destroyForcibly().waitFor();
        }
        replicas.clear();
        relay.start();
        redis.close();
    }

    @Test
    void theSameDeliverySentFiveTimesAtOnceToThreeReplicasMakesOneTask() throws Exception {
        List<Integer> ports = new ArrayList<>(List.of(port));
        ports.addAll(startReplicas("a", "b"));
        ObjectNode payload = WebhookClient.issue("issues.labeled", "agent", "OWNER");
        String delivery = UUID.randomUUID().toString();
        int sends = 5;
        CyclicBarrier together = new CyclicBarrier(sends);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService senders = Executors.newFixedThreadPool(sends)) {
            for (int i = 0; i < sends; i++) {
                WebhookClient client = new WebhookClient(ports.get(i % ports.size()));
                answers.add(senders.submit(() -> {
                    together.await();
                    return client.send("issues", delivery, payload);
                }));
            }
        }
        List<String> outcomes = new ArrayList<>();
        for (Future<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
            outcomes.add(response.body().contains("TASK_CREATED") ? "TASK_CREATED" : response.body());
        }

        assertThat(outcomes).filteredOn("TASK_CREATED"::equals).hasSize(1);
        assertThat(outcomes).filteredOn(o -> !o.equals("TASK_CREATED")).allMatch(o -> o.contains("DUPLICATE"));
        int issue = payload.path("issue").path("number").asInt();
        assertThat(count("SELECT count(*) FROM tasks WHERE issue_number = " + issue))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM webhook_deliveries WHERE delivery_id = '" + delivery + "'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox_events o JOIN tasks t ON t.id = o.task_id"
                        + " WHERE t.issue_number = " + issue))
                .as("one first step")
                .isEqualTo(1);
    }

    @Test
    void aLabelAndARunCommandForOneIssueRacingOnTwoReplicasMakeOneTask() throws Exception {
        List<Integer> ports = new ArrayList<>(List.of(port));
        ports.addAll(startReplicas("c"));
        for (int round = 0; round < 5; round++) {
            ObjectNode labeled = WebhookClient.issue("issues.labeled", "agent", "OWNER");
            ObjectNode comment = WebhookClient.comment("/agent run", "OWNER");
            comment.set("repository", labeled.path("repository").deepCopy());
            comment.set("issue", labeled.path("issue").deepCopy());
            ((ObjectNode) comment.path("comment")).put("body", "/agent run").put("author_association", "OWNER");
            CyclicBarrier together = new CyclicBarrier(2);
            Future<HttpResponse<String>> label;
            Future<HttpResponse<String>> run;
            try (ExecutorService senders = Executors.newFixedThreadPool(2)) {
                label = senders.submit(() -> {
                    together.await();
                    return new WebhookClient(ports.get(0))
                            .send("issues", UUID.randomUUID().toString(), labeled);
                });
                run = senders.submit(() -> {
                    together.await();
                    return new WebhookClient(ports.get(1))
                            .send("issue_comment", UUID.randomUUID().toString(), comment);
                });
            }
            List<String> answers = List.of(label.get().body(), run.get().body());
            assertThat(answers)
                    .filteredOn(a -> a.contains("TASK_CREATED"))
                    .as(answers.toString())
                    .hasSize(1);
            assertThat(answers)
                    .filteredOn(a -> !a.contains("TASK_CREATED"))
                    .as("the loser is told about the winner's task, not refused with a conflict")
                    .allMatch(a -> a.contains("ALREADY_ACTIVE"));
            int issue = labeled.path("issue").path("number").asInt();
            assertThat(count("SELECT count(*) FROM tasks WHERE issue_number = " + issue))
                    .isEqualTo(1);
            assertThat(count("SELECT count(*) FROM webhook_deliveries d JOIN tasks t ON t.id = d.task_id"
                            + " WHERE t.issue_number = " + issue))
                    .as("both deliveries recorded, with the one task")
                    .isEqualTo(2);
        }
    }

    @Test
    void threeRelayProcessesPublishEveryRowInOrderWhenTheActiveOneIsKilled() throws Exception {
        relay.stop(); // only the packaged replicas relay
        List<Integer> ports = startReplicas("r1", "r2", "r3");
        await().atMost(Duration.ofSeconds(30)).until(() -> leaders(ports).size() == 1);

        List<UUID> ids = new ArrayList<>();
        int tasks = 10_000;
        transactions.executeWithoutResult(tx -> {
            for (int i = 0; i < tasks; i++) {
                UUID task = UuidV7.next();
                ids.add(task);
                outbox.enqueue(AgentRole.DEV, Envelope.create("dev.implement", task, 1, null));
                outbox.enqueue(AgentRole.DEV, Envelope.create("dev.implement", task, 2, null));
            }
        });
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> published() > 1_000);
        int leader = leaders(ports).getFirst();
        Process active = replicas.get(ports.indexOf(leader));
        active.destroyForcibly().waitFor(); // SIGKILL by pid
        long publishedAtKill = published();
        log.info(
                "Killed the active relay (pid {}) with {} of {} rows published",
                active.pid(),
                publishedAtKill,
                2 * tasks);
        assertThat(publishedAtKill).as("the kill landed mid-run").isLessThan(2L * tasks);

        await().atMost(Duration.ofSeconds(120)).until(() -> outbox.backlog().pending() == 0);
        List<Integer> alive = ports.stream().filter(p -> p != leader).toList();
        assertThat(leaders(alive)).as("one standby took over").hasSize(1);
        PublishedOrder.assertEveryTaskInOrder(redis.commands(), names.tasks(AgentRole.DEV), ids, 2);
    }

    /** Starts the packaged orchestrator once per name, all at once, and waits until each is ready. */
    private List<Integer> startReplicas(String... replicaNames) throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (String name : replicaNames) {
            int replicaPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                replicaPort = socket.getLocalPort();
            }
            Map<String, Object> settings = new HashMap<>(services.springProperties());
            settings.put("server.port", replicaPort);
            settings.put("fleet.results.instance-id", "replica-" + name);
            settings.put("fleet.outbox.standby-interval", "200ms");
            Path logFile = Files.createTempFile("orchestrator-replica-" + name, ".log");
            Process replica = ServiceJar.of("orchestrator").start(settings, logFile);
            replicas.add(replica);
            ports.add(replicaPort);
            log.info("Replica {} (pid {}) starting on port {}, log {}", name, replica.pid(), replicaPort, logFile);
        }
        for (int replicaPort : ports) {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> get(replicaPort, "/actuator/health/readiness").statusCode() == 200);
        }
        return ports;
    }

    /** The replicas whose metrics say they hold the outbox relay. */
    private List<Integer> leaders(List<Integer> ports) {
        return ports.stream()
                .filter(p -> {
                    try {
                        return get(p, "/actuator/prometheus")
                                .body()
                                .lines()
                                .anyMatch(l -> l.startsWith("fleet_outbox_relay_active") && l.endsWith(" 1.0"));
                    } catch (Exception e) {
                        return false;
                    }
                })
                .toList();
    }

    private HttpResponse<String> get(int replicaPort, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicaPort + path))
                        .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long published() {
        return count("SELECT count(*) FROM outbox_events WHERE status = 'PUBLISHED'");
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
