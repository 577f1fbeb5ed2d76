package dev.xpfleet.orchestrator.sdlc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery figures from tasks, settled model calls and audit rows written as the fleet writes
 * them: two merged tasks in the window, one merged before it, one still at work; served over REST
 * and exported as gauges.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "fleet.gateway.prices.m1.input-per-million=2",
            "fleet.gateway.prices.m1.output-per-million=10",
            "fleet.metrics.sdlc-initial-delay=PT1H"
        })
@FleetServices(database = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdlcSummaryIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SdlcGauges gauges;

    private final OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

    @BeforeAll
    void history() {
        // A: sent back once by QA and once by the review; green in iteration 2; 2 h from start to merge.
        UUID a = task("octo/a", "MERGED", now.minusHours(3), now.minusHours(1));
        call(a, "dev", "m1", 1000, 200);
        call(a, "review", "m1", 300, 100);
        audit(a, "qa.failed", "{\"iteration\": 1, \"verdict\": \"FAILED\"}");
        audit(a, "qa.passed", "{\"iteration\": 2, \"verdict\": \"PASSED\"}");
        audit(a, "review.decided", "{\"iteration\": 2, \"decision\": \"CHANGES_REQUESTED\"}");
        audit(a, "qa.passed", "{\"iteration\": 3, \"verdict\": \"PASSED\"}");
        audit(a, "review.decided", "{\"iteration\": 3, \"decision\": \"APPROVE\"}");
        // B: straight through in an hour.
        UUID b = task("octo/a", "MERGED", now.minusDays(2).minusHours(1), now.minusDays(2));
        call(b, "dev", "m1", 500, 100);
        audit(b, "qa.passed", "{\"iteration\": 1, \"verdict\": \"PASSED\"}");
        audit(b, "review.decided", "{\"iteration\": 1, \"decision\": \"APPROVE\"}");
        // C: merged 40 days ago, with a model that has no price.
        UUID c = task("octo/b", "MERGED", now.minusDays(41), now.minusDays(40));
        call(c, "dev", "m2", 700, 300);
        // D: still at work; its calls and its budget stop count for nothing.
        UUID d = task("octo/b", "DEVELOPING", now.minusHours(1), null);
        call(d, "dev", "m1", 999, 1);
        audit(d, "qa.failed", "{\"iteration\": 1, \"verdict\": \"BLOCKED_BUDGET\"}");
        audit(d, "review.decided", "{\"iteration\": 1, \"decision\": \"NEEDS_HUMAN\"}");
    }

    @Test
    void theLastThirtyDays() throws Exception {
        HttpResponse<String> answer = get("/api/metrics/summary", IsolatedServices.API_TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode summary = JSON.readTree(answer.body());

        assertThat(summary.path("days").asInt()).isEqualTo(30);
        assertThat(summary.path("merged").asLong()).isEqualTo(2);
        assertThat(summary.path("tokensPerMerged").asDouble()).isEqualTo(1100.0);
        // A: (1300 * 2 + 300 * 10) / 1e6 = 0.0056 USD; B: (500 * 2 + 100 * 10) / 1e6 = 0.002 USD.
        assertThat(summary.path("costPerMergedUsd").asDouble()).isCloseTo(0.0038, within(1e-9));
        assertThat(summary.path("tokensPerMergedByRole").path("dev").asDouble()).isEqualTo(900.0);
        assertThat(summary.path("tokensPerMergedByRole").path("review").asDouble())
                .isEqualTo(200.0);
        assertThat(summary.path("byRepository")).hasSize(1);
        assertThat(summary.path("byRepository").path(0).path("repository").asString())
                .isEqualTo("octo/a");
        JsonNode green = summary.path("iterationsToGreen");
        assertThat(green.path("count").asLong()).isEqualTo(2);
        assertThat(green.path("mean").asDouble()).isEqualTo(1.5);
        assertThat(green.path("p90").asDouble()).isCloseTo(1.9, within(1e-9));
        assertThat(summary.path("sentBack").path("qa").path("verdicts").asLong())
                .as("a budget stop is no verdict")
                .isEqualTo(4);
        assertThat(summary.path("sentBack").path("qa").path("share").asDouble()).isEqualTo(0.25);
        assertThat(summary.path("sentBack").path("review").path("verdicts").asLong())
                .isEqualTo(3);
        assertThat(summary.path("sentBack").path("review").path("share").asDouble())
                .isCloseTo(1.0 / 3, within(1e-9));
        JsonNode toMerge = summary.path("issueToMerge");
        assertThat(toMerge.path("median").asDouble()).isCloseTo(5400.0, within(1.0));
        assertThat(toMerge.path("p90").asDouble()).isCloseTo(6840.0, within(1.0));
    }

    @Test
    void aLongerWindowAndAModelWithoutAPrice() throws Exception {
        JsonNode summary = JSON.readTree(
                get("/api/metrics/summary?days=60", IsolatedServices.API_TOKEN).body());

        assertThat(summary.path("merged").asLong()).isEqualTo(3);
        assertThat(summary.path("costPerMergedUsd").isNull())
                .as("no made-up price for m2")
                .isTrue();
        assertThat(summary.path("byRepository").path(0).path("costPerMergedUsd").asDouble())
                .isCloseTo(0.0038, within(1e-9));
        assertThat(summary.path("byRepository").path(1).path("costPerMergedUsd").isNull())
                .isTrue();
        assertThat(summary.path("byRepository").path(1).path("tokensPerMerged").asDouble())
                .isEqualTo(1000.0);
    }

    @Test
    void aOneDayWindowHasWhatMergedThatDayAndNoFigureIsMadeUp() throws Exception {
        JsonNode summary = JSON.readTree(
                get("/api/metrics/summary?days=1", IsolatedServices.API_TOKEN).body());
        // Only A merged in the last day; its figures alone.
        assertThat(summary.path("merged").asLong()).isEqualTo(1);
        assertThat(summary.path("iterationsToGreen").path("median").asDouble()).isEqualTo(2.0);
        assertThat(SdlcFigures.spread(java.util.List.of()))
                .as("no values, no mean")
                .isEqualTo(new SdlcSummary.Spread(0, null, null, null));
    }

    @Test
    void badWindowsAndNoTokenAreRefused() throws Exception {
        for (String days : new String[] {"0", "366", "abc", "1.5"}) {
            HttpResponse<String> refused = get("/api/metrics/summary?days=" + days, IsolatedServices.API_TOKEN);
            assertThat(refused.statusCode()).as(days).isEqualTo(400);
            assertThat(refused.body()).contains("days must be a whole number from 1 to 365");
        }
        assertThat(get("/api/metrics/summary", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theGaugesCarryTheSameFigures() throws Exception {
        gauges.refresh();
        String scrape = get("/actuator/prometheus", IsolatedServices.API_TOKEN).body();

        assertThat(scrape)
                .contains("fleet_sdlc_merged{application=\"orchestrator\"} 2.0")
                .as("one of the two merged within the last 24 hours")
                .contains("fleet_sdlc_merged_last_day{application=\"orchestrator\"} 1.0")
                .contains("fleet_sdlc_tokens_per_merged{application=\"orchestrator\",repository=\"octo/a\"} 1100.0")
                .contains("fleet_sdlc_role_tokens_per_merged{application=\"orchestrator\",role=\"dev\"} 900.0")
                .contains("fleet_sdlc_sent_back_ratio{application=\"orchestrator\",by=\"qa\"} 0.25")
                .contains("fleet_sdlc_iterations_to_green{application=\"orchestrator\",stat=\"median\"} 1.5")
                .contains("fleet_sdlc_issue_to_merge_seconds{application=\"orchestrator\",stat=\"median\"}")
                .containsPattern(
                        "fleet_sdlc_cost_per_merged_usd\\{application=\"orchestrator\",repository=\"octo/a\"} 0\\.0038")
                .doesNotContain("repository=\"octo/b\"");
    }

    private UUID task(String repository, String state, OffsetDateTime created, OffsetDateTime merged) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO tasks (id, repository, issue_number, title, state, mode, iteration, max_iters,
                                           created_by, created_at, stage_entered_at)
                        VALUES (:id, :repository, NULL, 'a change', :state, 'LINEAR', 1, 5, 'test', :created,
                                CASE WHEN CAST(:merged AS timestamptz) IS NULL THEN '{}'::jsonb
                                     ELSE jsonb_build_object('MERGED', CAST(:merged AS timestamptz)) END)
                        """)
                .param("id", id)
                .param("repository", repository)
                .param("state", state)
                .param("created", created)
                .param("merged", merged, java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                .update();
        return id;
    }

    private void call(UUID task, String role, String model, long prompt, long completion) {
        jdbc.sql("""
                        INSERT INTO model_calls (task_id, role, repository, provider, model, reserved_tokens,
                                                 prompt_tokens, completion_tokens, status, settled_at)
                        SELECT id, :role, repository, 'p', :model, :reserved, :prompt, :completion, 'SETTLED', now()
                          FROM tasks WHERE id = :task
                        """)
                .param("task", task)
                .param("role", role)
                .param("model", model)
                .param("reserved", prompt + completion)
                .param("prompt", prompt)
                .param("completion", completion)
                .update();
    }

    private void audit(UUID task, String action, String detail) {
        jdbc.sql("""
                        INSERT INTO audit_trail (task_id, actor, action, detail, occurred_at)
                        VALUES (:task, 'test', :action, CAST(:detail AS jsonb), :at)
                        """)
                .param("task", task)
                .param("action", action)
                .param("detail", detail)
                .param("at", now.minus(Duration.ofMinutes(90)))
                .update();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
