package dev.xpfleet.orchestrator.refactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.orchestrator.forge.LocalForge;
import dev.xpfleet.orchestrator.results.ResultDelivery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Refactoring runs in the orchestrator, against PostgreSQL and the local forge: a scan's ranked
 * groups become issues and tasks once (a redelivered or repeated answer, a second round, a second
 * run open nothing new), a dry run plans only, a failed scan opens nothing, and the weekly schedule
 * fired by three replicas at once starts one run.
 */
@SpringBootTest(
        properties = {
            "fleet.forge.step-interval=PT1H",
            "fleet.refactor.step-interval=PT1H",
            "fleet.outbox.poll-interval=1h",
            "fleet.refactor.max-issues=3",
            "fleet.refactor.repositories=acme/scheduled-refactoring"
        })
@FleetServices(database = true)
class RefactorRunsIT {

    static final Path ROOT = temp("refactor-forge");

    @DynamicPropertySource
    static void forge(DynamicPropertyRegistry registry) {
        registry.add("fleet.forge.local-root", ROOT::toString);
        registry.add("fleet.forge.workspaces", () -> temp("refactor-workspaces").toString());
    }

    @Autowired
    RefactorRuns runs;

    @Autowired
    RefactorIssues issues;

    @Autowired
    RefactorSchedule schedule;

    @Autowired
    LocalForge forge;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApplicationContext context;

    @Autowired
    dev.xpfleet.orchestrator.task.TaskControl control;

    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;

    @Test
    void aScanOpensItsRankedGroupsOnceAndTheNextRunOpensNothingNew() throws Exception {
        String repo = repository();
        UUID run = runs.start(RefactorRuns.Trigger.MANUAL, null, false, "ops", List.of(repo))
                .orElseThrow();
        UUID scan = scanOf(run);
        assertThat(jdbc.sql("SELECT count(*) FROM outbox_events WHERE task_id = :scan AND type = 'refactor.scan'")
                        .param("scan", scan)
                        .query(Long.class)
                        .single())
                .isOne();

        Envelope answer = answer(scan, groups("A.java", "B.java", "C.java", "D.java"), 2);
        ResultDelivery results = new ResultDelivery(context);
        assertThat(results.deliver(answer)).isTrue();
        assertThat(results.deliver(answer)).as("a redelivery changes nothing").isFalse();
        assertThat(results.deliver(answer(scan, groups("E.java"), 5)))
                .as("a second answer to the same scan is taken as delivered")
                .isTrue();

        JsonNode view = EnvelopeCodec.mapper().valueToTree(runs.view(run).orElseThrow());
        JsonNode plan = view.path("scans").get(0).path("plan");
        assertThat(view.path("scans").get(0).path("state").asString()).isEqualTo("DONE");
        assertThat(plan).extracting(p -> p.path("decision").asString()).containsExactly("open", "open", "skip", "skip");
        assertThat(plan.get(2).path("why").asString()).isEqualTo("over this run's limit of 2 issues");

        issues.runOnce();
        issues.runOnce();

        List<Map<String, Object>> opened =
                jdbc.sql("""
                        SELECT i.issue_number, i.task_id, i.state, t.state AS task_state, f.labels, f.title, f.body
                          FROM refactor_items i JOIN tasks t ON t.id = i.task_id
                          JOIN forge_issues f ON f.repository = i.repository AND f.number = i.issue_number
                         WHERE i.scan_id = :scan ORDER BY i.issue_number
                        """).param("scan", scan).query().listOfRows();
        assertThat(opened).hasSize(2);
        assertThat(opened.get(0).get("title"))
                .isEqualTo("Refactor src/A.java: Cognitive Complexity of methods should not be too high");
        assertThat((String) opened.get(0).get("body"))
                .contains(
                        "<!-- xp-fleet:refactor:" + fingerprint("A.java") + " -->",
                        "`java:S3776`",
                        "line 12",
                        "Measured debt**: 40 min",
                        "Behaviour must not change");
        assertThat(opened.get(0).get("task_state")).isEqualTo("DEVELOPING");
        assertThat(devStep((UUID) opened.get(0).get("task_id"))
                        .path("payload")
                        .path("kind")
                        .asString())
                .as("the developer is told it is a refactoring, by the orchestrator")
                .isEqualTo("refactor");
        // Someone copies the marker into an issue of their own: its task is no refactoring.
        dev.xpfleet.orchestrator.forge.Forge.Issue copy = forge.openIssue(
                repo, "Refactor everything", (String) opened.get(0).get("body"), "mallory", List.of("agent"));
        dev.xpfleet.orchestrator.task.Task copied = tx.execute(status -> control.create(
                new dev.xpfleet.orchestrator.task.NewTask(
                        repo,
                        copy.number(),
                        copy.title(),
                        copy.body(),
                        dev.xpfleet.orchestrator.task.TaskMode.LINEAR,
                        3,
                        "mallory"),
                false,
                Map.of()));
        assertThat(copied.body()).contains("<!-- xp-fleet:refactor:");
        assertThat(devStep(copied.id()).path("payload").has("kind")).isFalse();
        assertThat(jdbc.sql("SELECT count(*) FROM forge_issues WHERE repository = :r AND author = 'xp-fleet'")
                        .param("r", repo)
                        .query(Long.class)
                        .single())
                .as("one issue per group, however often the step ran")
                .isEqualTo(2);

        UUID second = runs.start(RefactorRuns.Trigger.MANUAL, null, false, "ops", List.of(repo))
                .orElseThrow();
        assertThat(results.deliver(answer(scanOf(second), groups("A.java", "B.java"), 5)))
                .isTrue();
        issues.runOnce();
        JsonNode again = EnvelopeCodec.mapper()
                .valueToTree(runs.view(second).orElseThrow())
                .path("scans")
                .get(0);
        assertThat(again.path("plan")).allSatisfy(p -> {
            assertThat(p.path("decision").asString()).isEqualTo("skip");
            assertThat(p.path("why").asString()).startsWith("has a refactoring already: issue #");
        });
        assertThat(again.path("items")).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM forge_issues WHERE repository = :r AND author = 'xp-fleet'")
                        .param("r", repo)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void aDryRunPlansAndOpensNothing() throws Exception {
        String repo = repository();
        UUID run = runs.start(RefactorRuns.Trigger.MANUAL, null, true, "ops", List.of(repo))
                .orElseThrow();
        new ResultDelivery(context).deliver(answer(scanOf(run), groups("A.java", "B.java"), 1));
        issues.runOnce();

        JsonNode scan = EnvelopeCodec.mapper()
                .valueToTree(runs.view(run).orElseThrow())
                .path("scans")
                .get(0);
        assertThat(scan.path("plan"))
                .extracting(p -> p.path("decision").asString())
                .containsExactly("open", "skip");
        assertThat(scan.path("items")).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM forge_issues WHERE repository = :r AND author = 'xp-fleet'")
                        .param("r", repo)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aFailedScanOpensNothingAndSaysWhy() throws Exception {
        String repo = repository();
        UUID run = runs.start(RefactorRuns.Trigger.MANUAL, null, false, "ops", List.of(repo))
                .orElseThrow();
        UUID scan = scanOf(run);
        Envelope input = Envelope.create(MessageTypes.REFACTOR_SCAN, scan, 1, null);
        new ResultDelivery(context)
                .deliver(new AgentResult(
                                "refactor",
                                input.eventId(),
                                MessageTypes.REFACTOR_SCAN,
                                AgentResult.Outcome.FAILED,
                                "SonarQube's api/issues/search answered 503: down",
                                1,
                                "test",
                                EnvelopeCodec.mapper().createObjectNode())
                        .toEnvelope(input));

        JsonNode view = EnvelopeCodec.mapper()
                .valueToTree(runs.view(run).orElseThrow())
                .path("scans")
                .get(0);
        assertThat(view.path("state").asString()).isEqualTo("FAILED");
        assertThat(view.path("reason").asString()).contains("answered 503");
        assertThat(view.path("items")).isEmpty();
    }

    @Test
    void badRequestsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> runs.start(RefactorRuns.Trigger.MANUAL, null, true, "ops", List.of("not a repo")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a repository");
    }

    @Test
    void theWeeklyRunStartsOnceWhenThreeReplicasFireIt() throws Exception {
        Instant slot = Instant.parse("2031-01-06T06:00:00Z")
                .plus(ThreadLocalRandom.current().nextInt(1, 500_000), ChronoUnit.MINUTES);
        ExecutorService replicas = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Object>> fires = List.of(
                    () -> {
                        schedule.fire(slot);
                        return null;
                    },
                    () -> {
                        schedule.fire(slot.plusSeconds(2));
                        return null;
                    },
                    () -> {
                        schedule.fire(slot.plusMillis(300));
                        return null;
                    });
            for (var done : replicas.invokeAll(fires)) {
                done.get();
            }
        } finally {
            replicas.shutdown();
        }
        assertThat(jdbc.sql("SELECT count(*) FROM refactor_runs WHERE slot = :slot")
                        .param("slot", java.sql.Timestamp.from(slot))
                        .query(Long.class)
                        .single())
                .isOne();

        // ShedLock as the scheduler calls it: while another replica holds the lock, no run starts,
        // whatever the slot; once it is free, one does.
        // (ShedLock remembers that the lock's row exists: the row is changed here, never deleted.)
        forgetRunsOfThisMinute();
        jdbc.sql("""
                        INSERT INTO shedlock (name, lock_until, locked_at, locked_by)
                        VALUES ('refactor-weekly', now() + interval '1 hour', now(), 'another replica')
                        ON CONFLICT (name) DO UPDATE SET lock_until = now() + interval '1 hour',
                                                         locked_by = 'another replica'
                        """).update();
        Instant before = Instant.now().minusSeconds(1);
        schedule.weekly();
        assertThat(scheduledSince(before)).as("the lock is held elsewhere").isZero();

        jdbc.sql("UPDATE shedlock SET lock_until = now() - interval '1 second' WHERE name = 'refactor-weekly'")
                .update();
        forgetRunsOfThisMinute();
        schedule.weekly();
        schedule.weekly();
        assertThat(scheduledSince(before)).isOne();
        assertThat(jdbc.sql("SELECT locked_by FROM shedlock WHERE name = 'refactor-weekly'")
                        .query(String.class)
                        .single())
                .isNotEqualTo("another replica");
    }

    @Test
    void aRefactoringTheForgeKeepsRefusingIsGivenUpAndItsFingerprintFreed() throws Exception {
        String repo = "acme/not-on-the-forge-" + UUID.randomUUID().toString().substring(0, 8);
        UUID run = runs.start(RefactorRuns.Trigger.MANUAL, null, false, "ops", List.of(repo))
                .orElseThrow();
        ResultDelivery results = new ResultDelivery(context);
        results.deliver(answer(scanOf(run), groups("A.java"), 1));

        issues.runOnce();
        Map<String, Object> item = jdbc.sql("SELECT * FROM refactor_items WHERE repository = :r")
                .param("r", repo)
                .query()
                .singleRow();
        assertThat(item.get("state")).isEqualTo("PLANNED");
        assertThat(item.get("attempts")).isEqualTo(1);
        assertThat((String) item.get("last_error")).contains("no repository " + repo);
        issues.runOnce();
        assertThat(jdbc.sql("SELECT attempts FROM refactor_items WHERE repository = :r")
                        .param("r", repo)
                        .query(Integer.class)
                        .single())
                .as("it waits before the next try")
                .isOne();

        jdbc.sql("UPDATE refactor_items SET attempts = :n, next_attempt_at = now() WHERE repository = :r")
                .param("n", RefactorIssues.MAX_ATTEMPTS - 1)
                .param("r", repo)
                .update();
        issues.runOnce();
        assertThat(jdbc.sql("SELECT state FROM refactor_items WHERE repository = :r")
                        .param("r", repo)
                        .query(String.class)
                        .single())
                .isEqualTo("FAILED");

        UUID next = runs.start(RefactorRuns.Trigger.MANUAL, null, true, "ops", List.of(repo))
                .orElseThrow();
        results.deliver(answer(scanOf(next), groups("A.java"), 1));
        JsonNode plan = EnvelopeCodec.mapper()
                .valueToTree(runs.view(next).orElseThrow())
                .path("scans")
                .get(0)
                .path("plan");
        assertThat(plan.get(0).path("decision").asString())
                .as("a given-up item does not hold its fingerprint")
                .isEqualTo("open");
    }

    @Test
    void aFingerprintThatIsNotOneIsSkipped() throws Exception {
        String repo = repository();
        UUID run = runs.start(RefactorRuns.Trigger.MANUAL, null, true, "ops", List.of(repo))
                .orElseThrow();
        ArrayNode groups = groups("A.java");
        ((ObjectNode) groups.get(0)).put("fingerprint", "x --> <!-- y");
        new ResultDelivery(context).deliver(answer(scanOf(run), groups, 1));

        JsonNode plan = EnvelopeCodec.mapper()
                .valueToTree(runs.view(run).orElseThrow())
                .path("scans")
                .get(0)
                .path("plan");
        assertThat(plan.get(0).path("decision").asString()).isEqualTo("skip");
        assertThat(plan.get(0).path("why").asString())
                .startsWith("not a fingerprint")
                .doesNotContain("-->");
    }

    void forgetRunsOfThisMinute() {
        String ofThisMinute = """
                (SELECT id FROM refactor_runs WHERE trigger = 'SCHEDULE'
                  AND slot >= date_trunc('minute', now()) - interval '1 minute'
                  AND slot <= date_trunc('minute', now()) + interval '1 minute')
                """;
        jdbc.sql("DELETE FROM refactor_items WHERE scan_id IN (SELECT id FROM refactor_scans WHERE run_id IN "
                        + ofThisMinute + ")")
                .update();
        jdbc.sql("DELETE FROM refactor_scans WHERE run_id IN " + ofThisMinute).update();
        jdbc.sql("DELETE FROM refactor_runs WHERE id IN " + ofThisMinute).update();
    }

    long scheduledSince(Instant since) {
        return jdbc.sql("""
                        SELECT count(*) FROM refactor_runs
                         WHERE trigger = 'SCHEDULE' AND created_at >= :t AND slot < '2030-01-01'
                        """)
                .param("t", java.sql.Timestamp.from(since))
                .query(Long.class)
                .single();
    }

    String repository() throws Exception {
        String repo = "acme/refactor-" + UUID.randomUUID().toString().substring(0, 8);
        forge.createRepository(repo);
        Path seed = temp("seed");
        try (Git git =
                Git.init().setDirectory(seed.toFile()).setInitialBranch("main").call()) {
            Files.writeString(seed.resolve("README.md"), "sample\n");
            git.add().addFilepattern(".").call();
            String first = git.commit()
                    .setMessage("first")
                    .setAuthor("t", "t@e")
                    .setCommitter("t", "t@e")
                    .setSign(false)
                    .call()
                    .getName();
            forge.pushBranch(repo, "main", seed.resolve(".git"), first);
        }
        return repo;
    }

    JsonNode devStep(UUID task) {
        return EnvelopeCodec.mapper()
                .readTree(jdbc.sql("""
                                SELECT envelope FROM outbox_events WHERE task_id = :t AND type = 'dev.implement'
                                 ORDER BY id LIMIT 1
                                """).param("t", task).query(String.class).single());
    }

    UUID scanOf(UUID run) {
        return jdbc.sql("SELECT id FROM refactor_scans WHERE run_id = :run")
                .param("run", run)
                .query(UUID.class)
                .single();
    }

    static ArrayNode groups(String... files) {
        ArrayNode groups = EnvelopeCodec.mapper().createArrayNode();
        int debt = 40;
        for (String file : files) {
            ObjectNode group = groups.addObject();
            group.put("fingerprint", fingerprint(file));
            group.put("rule", "java:S3776");
            group.put("ruleName", "Cognitive Complexity of methods should not be too high");
            group.put("family", "complexity");
            group.put("file", "src/" + file);
            group.put("severity", "CRITICAL");
            group.put("debtMinutes", debt);
            group.put("churn", 3);
            group.put("score", debt--);
            group.putArray("locations").addObject().put("line", 12).put("message", "Refactor this method `x`.");
        }
        return groups;
    }

    static String fingerprint(String file) {
        return dev.xpfleet.common.hash.Sha256.hex(file).substring(0, 24);
    }

    static Envelope answer(UUID scan, ArrayNode groups, int maxIssues) {
        Envelope input = Envelope.create(MessageTypes.REFACTOR_SCAN, scan, 1, null);
        ObjectNode output = EnvelopeCodec.mapper().createObjectNode();
        output.put("source", "sonarqube");
        output.putObject("settings").put("enabled", true).put("maxIssues", maxIssues);
        output.putObject("measures").put("debtMinutes", 120).put("complexity", 42);
        output.set("groups", groups);
        return new AgentResult(
                        "refactor",
                        input.eventId(),
                        MessageTypes.REFACTOR_SCAN,
                        AgentResult.Outcome.COMPLETED,
                        null,
                        1,
                        "test",
                        output)
                .toEnvelope(input);
    }

    static Path temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
