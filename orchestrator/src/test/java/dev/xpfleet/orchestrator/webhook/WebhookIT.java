package dev.xpfleet.orchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.TestRedis;
import io.lettuce.core.Range;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Real payloads, real signatures, real PostgreSQL: what GitHub's deliveries turn into. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "fleet.webhook.allowlist=Trusted-Outsider")
@FleetServices(database = true)
class WebhookIT {

    private static final Path FIXTURES = WebhookClient.FIXTURES;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    IsolatedServices services;

    @Test
    void everyFixtureIsAcceptedWhenSignedAndRefusedWithNothingStoredWhenNot() throws Exception {
        List<Path> payloads;
        try (Stream<Path> files = Files.list(FIXTURES)) {
            payloads = files.filter(p -> p.toString().endsWith(".payload.json"))
                    .sorted()
                    .toList();
        }
        assertThat(payloads).hasSizeGreaterThanOrEqualTo(7);
        for (Path payload : payloads) {
            String event = payload.getFileName().toString().split("\\.")[0];
            byte[] body = Files.readAllBytes(payload);

            String refused = UUID.randomUUID().toString();
            HttpResponse<String> bad = post(event, refused, body, "sha256=" + "0".repeat(64));
            assertThat(bad.statusCode())
                    .as("bad signature, " + payload.getFileName())
                    .isEqualTo(401);
            assertThat(deliveries(refused))
                    .as("a refused delivery leaves no row")
                    .isZero();

            String delivery = UUID.randomUUID().toString();
            HttpResponse<String> good =
                    post(event, delivery, body, GitHubSignature.sign(body, IsolatedServices.WEBHOOK_SECRET));
            assertThat(good.statusCode())
                    .as(payload.getFileName() + ": " + good.body())
                    .isBetween(200, 299);
            assertThat(deliveries(delivery)).isEqualTo(1);
        }
    }

    @Test
    void anAgentLabelFromATrustedAuthorQueuesOneTaskEvenWhenRedelivered() throws Exception {
        ObjectNode payload = WebhookClient.issue("issues.labeled", "agent", "OWNER");
        int issue = payload.path("issue").path("number").asInt();
        String delivery = UUID.randomUUID().toString();

        HttpResponse<String> first = send("issues", delivery, payload);
        HttpResponse<String> again = send("issues", delivery, payload);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.body()).contains("\"outcome\":\"TASK_CREATED\"");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("DUPLICATE");
        assertThat(taskStates(issue)).containsExactly("DEVELOPING:LINEAR");
        String task = JSON.readTree(first.body()).path("task").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> announced(AgentRole.DEV, task) == 1);
        assertThat(jdbc.sql("select count(*) from audit_trail where action = 'task.created'")
                        .query(Long.class)
                        .single())
                .isPositive();
    }

    @Test
    void thePairLabelAsksForAPairSession() throws Exception {
        ObjectNode payload = WebhookClient.issue("issues.opened", "agent:pair", "MEMBER");

        HttpResponse<String> response = send("issues", UUID.randomUUID().toString(), payload);

        assertThat(taskStates(payload.path("issue").path("number").asInt())).containsExactly("PAIRING:PAIR");
        String task = JSON.readTree(response.body()).path("task").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> announced(AgentRole.PAIR, task) == 1);
    }

    @Test
    void aLoginOnTheAllowlistMayStartWorkWhateverItsAssociationAndItsCase() throws Exception {
        ObjectNode allowed = WebhookClient.comment("/agent run", "CONTRIBUTOR");
        ((ObjectNode) allowed.path("sender")).put("login", "trusted-outsider");
        ObjectNode other = WebhookClient.comment("/agent run", "CONTRIBUTOR");
        ((ObjectNode) other.path("sender")).put("login", "someone-else");

        assertThat(send("issue_comment", UUID.randomUUID().toString(), allowed).body())
                .as("GitHub logins are case-insensitive")
                .contains("TASK_CREATED");
        assertThat(send("issue_comment", UUID.randomUUID().toString(), other).body())
                .contains("REFUSED_UNTRUSTED");
        assertThat(taskStates(other.path("issue").path("number").asInt())).isEmpty();
    }

    @Test
    void anIssueByAnUntrustedAuthorStartsNothingAndTheRefusalIsAudited() throws Exception {
        ObjectNode payload = WebhookClient.issue("issues.opened", "agent", "NONE");
        int issue = payload.path("issue").path("number").asInt();

        HttpResponse<String> response = send("issues", UUID.randomUUID().toString(), payload);

        assertThat(response.body()).contains("REFUSED_UNTRUSTED");
        assertThat(taskStates(issue)).isEmpty();
        assertThat(jdbc.sql(
                                "select count(*) from audit_trail where action = 'command.refused' and (detail->>'issue')::int = :issue")
                        .param("issue", issue)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void commentCommandsRunAndCancelOnlyForTrustedCommenters() throws Exception {
        ObjectNode run = WebhookClient.comment("/agent run", "COLLABORATOR");
        int issue = run.path("issue").path("number").asInt();
        ObjectNode outsider = WebhookClient.comment("/agent cancel", "CONTRIBUTOR");
        outsider.set("issue", run.path("issue"));
        ObjectNode cancel = WebhookClient.comment("/agent cancel", "OWNER");
        cancel.set("issue", run.path("issue"));

        send("issue_comment", UUID.randomUUID().toString(), run);
        assertThat(send("issue_comment", UUID.randomUUID().toString(), outsider).body())
                .contains("REFUSED_UNTRUSTED");
        assertThat(taskStates(issue)).containsExactly("DEVELOPING:LINEAR");

        assertThat(send("issue_comment", UUID.randomUUID().toString(), cancel).body())
                .contains("TASK_CANCELLED");
        assertThat(taskStates(issue)).containsExactly("CANCELLED:LINEAR");
    }

    @Test
    void theSameDeliverySentFiveTimesAtOnceMakesOneTask() throws Exception {
        ObjectNode payload = WebhookClient.issue("issues.labeled", "agent", "OWNER");
        int issue = payload.path("issue").path("number").asInt();
        String delivery = UUID.randomUUID().toString();
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(() -> send("issues", delivery, payload).statusCode());
        }

        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(5)) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
        }

        assertThat(statuses).allSatisfy(s -> assertThat(s).isBetween(200, 299));
        assertThat(taskStates(issue)).containsExactly("DEVELOPING:LINEAR");
        assertThat(deliveries(delivery)).isEqualTo(1);
    }

    @Test
    void badRequestsGetShortJsonErrors() throws Exception {
        byte[] notJson = "{nope".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> malformed =
                post("issues", "d-1", notJson, GitHubSignature.sign(notJson, IsolatedServices.WEBHOOK_SECRET));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"error\"");

        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> noDelivery =
                post("issues", null, body, GitHubSignature.sign(body, IsolatedServices.WEBHOOK_SECRET));
        assertThat(noDelivery.statusCode()).isEqualTo(400);

        byte[] huge = new byte[6 * 1024 * 1024];
        for (int i = 0; i < 10; i++) { // every time a clean answer, never a connection cut under it
            HttpResponse<String> tooBig = post("issues", "d-2", huge, "sha256=00");
            assertThat(tooBig.statusCode()).isEqualTo(413);
            assertThat(tooBig.body()).contains("larger than");
        }
    }

    private HttpResponse<String> send(String event, String delivery, ObjectNode payload) throws Exception {
        return client().send(event, delivery, payload);
    }

    private HttpResponse<String> post(String event, String delivery, byte[] body, String signature) throws Exception {
        return client().post(event, delivery, body, signature);
    }

    private WebhookClient client() {
        return new WebhookClient(port);
    }

    private List<String> taskStates(int issue) {
        return jdbc.sql("select state || ':' || mode from tasks where issue_number = :issue order by created_at")
                .param("issue", issue)
                .query(String.class)
                .list();
    }

    /** How many entries on the role's stream announce the task (relayed from the outbox). */
    private long announced(AgentRole role, String task) {
        try (TestRedis redis = new TestRedis(services)) {
            return redis.commands().xrange(redis.names().tasks(role), Range.create("-", "+")).stream()
                    .filter(entry -> task.equals(entry.getBody().get("task")))
                    .count();
        }
    }

    private long deliveries(String delivery) {
        return jdbc.sql("select count(*) from webhook_deliveries where delivery_id = :id")
                .param("id", delivery)
                .query(Long.class)
                .single();
    }
}
