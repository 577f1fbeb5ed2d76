package dev.xpfleet.orchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.orchestrator.forge.Forge;
import dev.xpfleet.orchestrator.forge.LocalForge;
import dev.xpfleet.orchestrator.forge.StatusComments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /agent status} on an issue: the task's status comment is written again with its state,
 * iteration, tokens against its budget, its address, and who asked, even when nothing else changed.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"fleet.forge.step-interval=PT1H", "fleet.outbox.poll-interval=1h"})
@FleetServices(database = true)
class StatusCommandIT {

    @DynamicPropertySource
    static void forge(DynamicPropertyRegistry registry) throws Exception {
        Path root = Files.createTempDirectory("status-command");
        registry.add("fleet.forge.local-root", root::toString);
        registry.add("fleet.forge.workspaces", () -> root.resolve("workspaces").toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    LocalForge forge;

    @Autowired
    StatusComments statusComments;

    @Autowired
    JdbcClient jdbc;

    @Test
    void statusOnTheIssueAnswersInTheTasksCommentWithItsFacts() throws Exception {
        String repo = "acme/status-" + UUID.randomUUID().toString().substring(0, 8);
        forge.createRepository(repo);
        Forge.Issue issue = forge.openIssue(repo, "Fix totals", "", "alice", List.of());
        WebhookClient client = new WebhookClient(port);
        assertThat(client.send("issue_comment", UUID.randomUUID().toString(), command(repo, issue, "/agent run"))
                        .body())
                .contains("TASK_CREATED");
        statusComments.runOnce();
        String before = comment(repo, issue);

        String answer = client.send(
                        "issue_comment", UUID.randomUUID().toString(), command(repo, issue, "/agent status"))
                .body();
        statusComments.runOnce();
        String after = comment(repo, issue);

        assertThat(answer).contains("STATUS_REQUESTED");
        UUID task = jdbc.sql("SELECT id FROM tasks WHERE repository = :r")
                .param("r", repo)
                .query(UUID.class)
                .single();
        assertThat(before).doesNotContain("Status asked by");
        assertThat(after)
                .startsWith(before.substring(0, before.indexOf("\n\n")))
                .contains("State `DEVELOPING` · iteration 1 of ")
                .contains(" · tokens 0 of 200000")
                .contains("task `" + task + "` (`GET /api/tasks/" + task + "`)")
                .containsPattern("Status asked by `[^`]+` at \\d{4}-\\d\\d-\\d\\dT");
        assertThat(forge.comments(repo, issue.number()))
                .as("the same comment, edited")
                .hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_trail WHERE task_id = :t AND action = 'status.requested'")
                        .param("t", task)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void statusOnAnIssueWithNoTaskSaysSo() throws Exception {
        String repo = "acme/status-" + UUID.randomUUID().toString().substring(0, 8);
        forge.createRepository(repo);
        Forge.Issue issue = forge.openIssue(repo, "Nothing yet", "", "alice", List.of());

        String answer = new WebhookClient(port)
                .send("issue_comment", UUID.randomUUID().toString(), command(repo, issue, "/agent status"))
                .body();

        assertThat(answer).contains("IGNORED").contains("no task for this issue");
    }

    private static ObjectNode command(String repo, Forge.Issue issue, String body) throws Exception {
        ObjectNode payload = WebhookClient.comment(body, "OWNER");
        ((ObjectNode) payload.path("issue")).put("number", issue.number());
        ((ObjectNode) payload.path("repository")).put("full_name", repo);
        return payload;
    }

    private String comment(String repo, Forge.Issue issue) {
        return forge.comments(repo, issue.number()).get(0)[1];
    }
}
