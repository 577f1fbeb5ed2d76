package dev.xpfleet.orchestrator.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.model.ModelCallException;
import dev.xpfleet.common.model.ModelGatewayClient;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.orchestrator.task.NewTask;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskMode;
import dev.xpfleet.orchestrator.task.TaskRepository;
import dev.xpfleet.orchestrator.task.TaskState;
import dev.xpfleet.orchestrator.task.TaskStates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway against WireMock standing in for an OpenAI-compatible upstream, and against a replay
 * directory: answers, upstream trouble, budgets, and what lands in the ledger, the archive and the
 * task.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices(database = true)
class GatewayIT {

    static final String UPSTREAM_KEY = "sk-test-0123456789abcdefghijklmnop";
    static final WireMockServer UPSTREAM = new WireMockServer(wireMockConfig().dynamicPort());
    static final Path RECORDINGS;
    static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        UPSTREAM.start();
        try {
            RECORDINGS = Files.createTempDirectory("replay");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        registry.add("fleet.gateway.providers.mock.type", () -> "openai");
        registry.add("fleet.gateway.providers.mock.base-url", () -> UPSTREAM.baseUrl() + "/v1");
        registry.add("fleet.gateway.providers.mock.api-key", () -> UPSTREAM_KEY);
        registry.add("fleet.gateway.providers.mock.model", () -> "gpt-test");
        registry.add("fleet.gateway.providers.mock.timeout", () -> "500ms");
        registry.add("fleet.gateway.providers.recorded.type", () -> "replay");
        registry.add("fleet.gateway.providers.recorded.directory", RECORDINGS::toString);
        registry.add("fleet.gateway.providers.recorded.model", () -> "recorded-model");
        registry.add("fleet.gateway.providers.claude.type", () -> "anthropic");
        registry.add("fleet.gateway.providers.claude.base-url", () -> UPSTREAM.baseUrl() + "/anthropic/v1");
        registry.add("fleet.gateway.providers.claude.api-key", () -> "sk-ant-test-0123456789abcdefghij");
        registry.add("fleet.gateway.providers.claude.model", () -> "claude-test");
        registry.add("fleet.gateway.providers.claude.timeout", () -> "500ms");
        registry.add("fleet.gateway.roles.refactor", () -> "claude");
        registry.add("fleet.gateway.providers.recorder.type", () -> "record");
        registry.add("fleet.gateway.providers.recorder.delegate", () -> "mock");
        registry.add("fleet.gateway.providers.recorder.directory", RECORDINGS::toString);
        registry.add("fleet.gateway.roles.qa", () -> "recorder");
        registry.add("fleet.gateway.roles.dev", () -> "mock");
        registry.add("fleet.gateway.roles.review", () -> "recorded");
        registry.add("fleet.gateway.backoff", () -> "50ms");
        registry.add("fleet.gateway.prices.gpt-test.input-per-million", () -> "1.0");
        registry.add("fleet.gateway.prices.gpt-test.output-per-million", () -> "2.0");
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    TaskRepository tasks;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ArtifactStore artifacts;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void resetUpstream() {
        UPSTREAM.resetAll();
    }

    @Test
    void anAnswerIsPassedOnSettledToItsRealUsageArchivedWithoutSecretsAndCounted() throws Exception {
        Task task = developingTask();
        answerWith(200, completion("Done. Key was sk-live-abcdefghijklmnopqrstuv", 12, 5));

        HttpResponse<String> response = chat(task, "dev", request("Fix the bug. My token is ghp_" + "a".repeat(36)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("choices").get(0).path("message").path("content").asString())
                .startsWith("Done.");
        assertThat(response.headers().firstValue("X-Fleet-Replayed")).contains("false");
        UPSTREAM.verify(exactly(1), postRequestedFor(urlEqualTo("/v1/chat/completions")));
        JsonNode sent =
                JSON.readTree(UPSTREAM.getAllServeEvents().get(0).getRequest().getBodyAsString());
        assertThat(sent.path("model").asString())
                .as("the role's model replaces the agent's")
                .isEqualTo("gpt-test");
        assertThat(UPSTREAM.getAllServeEvents().get(0).getRequest().getHeader("Authorization"))
                .isEqualTo("Bearer " + UPSTREAM_KEY);

        Map<String, Object> call = jdbc.sql("SELECT * FROM model_calls WHERE task_id = :t")
                .param("t", task.id())
                .query()
                .singleRow();
        assertThat(call).containsEntry("status", "SETTLED").containsEntry("prompt_tokens", 12L);
        assertThat(budget(task)).containsEntry("used_tokens", 17L).containsEntry("reserved_tokens", 0L);
        String archived =
                new String(artifacts.get((String) call.get("archive_key")).orElseThrow(), StandardCharsets.UTF_8);
        assertThat(archived)
                .contains("Fix the bug")
                .contains("[REDACTED github-token]")
                .contains("[REDACTED api-key]")
                .doesNotContain("ghp_aaaa")
                .doesNotContain("sk-live-abc")
                .doesNotContain(UPSTREAM_KEY);
        assertThat(scrape())
                .contains("fleet_model_tokens_total{direction=\"in\",model=\"gpt-test\"")
                .contains("fleet_model_cost_total{model=\"gpt-test\"");
    }

    @Test
    void a429WithRetryAfterIsWaitedOutAndRetried() throws Exception {
        Task task = developingTask();
        UPSTREAM.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .inScenario("limited")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "1")
                        .withBody("{\"error\":{\"message\":\"Rate limit reached\"}}"))
                .willSetStateTo("open"));
        UPSTREAM.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .inScenario("limited")
                .whenScenarioStateIs("open")
                .willReturn(aResponse().withStatus(200).withBody(completion("ok", 3, 1))));

        long start = System.nanoTime();
        HttpResponse<String> response = chat(task, "dev", request("hello"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000)
                .as("waited the Retry-After")
                .isGreaterThanOrEqualTo(1000);
        UPSTREAM.verify(exactly(2), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void aFailingUpstreamIsTriedThreeTimesThenFailsClearlyAndReleasesTheReservation() throws Exception {
        Task task = developingTask();
        answerWith(500, "{\"error\":{\"message\":\"The server had an error\"}}");

        HttpResponse<String> response = chat(task, "dev", request("hello"));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).path("error").path("message").asString())
                .contains("answered 500")
                .contains("The server had an error");
        UPSTREAM.verify(exactly(3), postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(budget(task)).containsEntry("used_tokens", 0L).containsEntry("reserved_tokens", 0L);
        assertThat(jdbc.sql("SELECT status FROM model_calls WHERE task_id = :t")
                        .param("t", task.id())
                        .query(String.class)
                        .single())
                .isEqualTo("RELEASED");
    }

    @Test
    void aSlowUpstreamTimesOutWithA504() throws Exception {
        Task task = developingTask();
        UPSTREAM.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(2_000).withBody(completion("late", 1, 1))));

        HttpResponse<String> response = chat(task, "dev", request("hello"));

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.body()).contains("did not answer within");
        assertThat(budget(task)).containsEntry("reserved_tokens", 0L);
    }

    @Test
    void malformedJsonFromUpstreamFailsAtOnce() throws Exception {
        Task task = developingTask();
        answerWith(200, "{\"choices\": [ oops");

        HttpResponse<String> response = chat(task, "dev", request("hello"));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("upstream_malformed").contains("malformed JSON");
        UPSTREAM.verify(exactly(1), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void anthropicIsSpokenInItsOwnShapeAndAnsweredInOpenAisShape() throws Exception {
        Task task = developingTask();
        UPSTREAM.stubFor(post(urlEqualTo("/anthropic/v1/messages"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"id":"msg_01","type":"message","role":"assistant","model":"claude-test",
                                 "content":[{"type":"text","text":"Refactored."}],
                                 "stop_reason":"end_turn","usage":{"input_tokens":21,"output_tokens":4}}
                                """)));
        ObjectNode request = request("Extract a method");
        ((tools.jackson.databind.node.ArrayNode) request.path("messages"))
                .insert(0, JSON.createObjectNode().put("role", "system").put("content", "You refactor Java."));

        HttpResponse<String> response = chat(task, "refactor", request);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("choices").get(0).path("message").path("content").asString())
                .isEqualTo("Refactored.");
        assertThat(body.path("usage").path("prompt_tokens").asLong()).isEqualTo(21);
        var sent = UPSTREAM.getAllServeEvents().get(0).getRequest();
        assertThat(sent.getHeader("x-api-key")).isEqualTo("sk-ant-test-0123456789abcdefghij");
        assertThat(sent.getHeader("anthropic-version")).isEqualTo(AnthropicProvider.VERSION);
        JsonNode messages = JSON.readTree(sent.getBodyAsString());
        assertThat(messages.path("system").asString()).isEqualTo("You refactor Java.");
        assertThat(messages.path("model").asString()).isEqualTo("claude-test");
        assertThat(messages.path("messages")).hasSize(1);
        assertThat(budget(task)).containsEntry("used_tokens", 25L);
    }

    @Test
    void anthropicOverloadedIsRetriedThenFailsAndItsRateLimitIsWaitedOut() throws Exception {
        Task task = developingTask();
        UPSTREAM.stubFor(
                post(urlEqualTo("/anthropic/v1/messages"))
                        .willReturn(
                                aResponse()
                                        .withStatus(529)
                                        .withBody(
                                                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));

        HttpResponse<String> overloaded = chat(task, "refactor", request("hello"));

        assertThat(overloaded.statusCode()).isEqualTo(502);
        assertThat(overloaded.body()).contains("answered 529").contains("Overloaded");
        UPSTREAM.verify(exactly(3), postRequestedFor(urlEqualTo("/anthropic/v1/messages")));

        UPSTREAM.resetAll();
        UPSTREAM.stubFor(post(urlEqualTo("/anthropic/v1/messages"))
                .inScenario("limited")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("retry-after", "1"))
                .willSetStateTo("open"));
        UPSTREAM.stubFor(
                post(urlEqualTo("/anthropic/v1/messages"))
                        .inScenario("limited")
                        .whenScenarioStateIs("open")
                        .willReturn(
                                aResponse()
                                        .withStatus(200)
                                        .withBody(
                                                "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}")));
        assertThat(chat(task, "refactor", request("hello")).statusCode()).isEqualTo(200);

        UPSTREAM.resetAll();
        UPSTREAM.stubFor(post(urlEqualTo("/anthropic/v1/messages"))
                .willReturn(aResponse().withStatus(200).withBody("<html>")));
        assertThat(chat(task, "refactor", request("hello")).body()).contains("upstream_malformed");

        UPSTREAM.resetAll();
        UPSTREAM.stubFor(post(urlEqualTo("/anthropic/v1/messages"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(2_000).withBody("{}")));
        assertThat(chat(task, "refactor", request("hello")).statusCode()).isEqualTo(504);
    }

    @Test
    void theAgentsClientFromCommonLibTalksToTheGatewayAndSeesBudgetRefusals() throws Exception {
        Task task = developingTask();
        answerWith(200, completion("Here is the patch.", 30, 8));
        ModelGatewayClient client =
                new ModelGatewayClient(uri("/"), IsolatedServices.API_TOKEN, java.time.Duration.ofSeconds(10));

        ModelGatewayClient.Completion answer = client.chat(
                task.id(),
                AgentRole.DEV,
                List.of(
                        ModelGatewayClient.Message.system("You write Java."),
                        ModelGatewayClient.Message.user("Fix it")),
                200);

        assertThat(answer.text()).isEqualTo("Here is the patch.");
        assertThat(answer.promptTokens()).isEqualTo(30);
        assertThat(answer.replayed()).isFalse();
        assertThat(answer.callId()).isPositive();
        setBudget(task, 40);
        assertThatThrownBy(() ->
                        client.chat(task.id(), AgentRole.DEV, List.of(ModelGatewayClient.Message.user("more")), 200))
                .isInstanceOfSatisfying(ModelCallException.class, e -> {
                    assertThat(e.budgetExceeded()).isTrue();
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.getMessage()).contains("task budget");
                });
    }

    @Test
    void aRepeatedIdempotencyKeyIsAnsweredFromTheArchiveWithoutASecondCharge() throws Exception {
        Task task = developingTask();
        answerWith(200, completion("turn one answer", 30, 8));
        ModelGatewayClient client =
                new ModelGatewayClient(uri("/"), IsolatedServices.API_TOKEN, java.time.Duration.ofSeconds(10));
        List<ModelGatewayClient.Message> turn = List.of(ModelGatewayClient.Message.user("Fix it"));
        String key = task.id() + ":1:1";

        ModelGatewayClient.Completion first = client.chat(task.id(), AgentRole.DEV, turn, 200, key);
        answerWith(200, completion("a different answer", 30, 8));
        ModelGatewayClient.Completion again = client.chat(
                task.id(),
                AgentRole.DEV,
                List.of(ModelGatewayClient.Message.user("Fix it, with new output")),
                200,
                key);
        ModelGatewayClient.Completion nextTurn = client.chat(task.id(), AgentRole.DEV, turn, 200, task.id() + ":1:2");

        assertThat(first.repeated()).isFalse();
        assertThat(again.repeated()).isTrue();
        assertThat(again.text()).isEqualTo("turn one answer");
        assertThat(again.callId()).isEqualTo(first.callId());
        assertThat(nextTurn.text()).isEqualTo("a different answer");
        UPSTREAM.verify(exactly(2), postRequestedFor(urlEqualTo("/v1/chat/completions")));
        assertThat(budget(task)).containsEntry("used_tokens", 76L).containsEntry("reserved_tokens", 0L);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_trail WHERE task_id = :t AND action = 'model.repeated'")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);

        ModelGatewayClient.Completion otherRole = client.chat(task.id(), AgentRole.QA, turn, 200, key);
        assertThat(otherRole.repeated()).as("a key belongs to one role").isFalse();

        String archive = jdbc.sql("SELECT archive_key FROM model_calls WHERE id = :id")
                .param("id", first.callId())
                .query(String.class)
                .single();
        artifacts.put(archive, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        ModelGatewayClient.Completion afterLoss = client.chat(task.id(), AgentRole.DEV, turn, 200, key);
        assertThat(afterLoss.repeated())
                .as("an unreadable archive frees the key")
                .isFalse();
        assertThat(afterLoss.callId()).isNotEqualTo(first.callId());
        ModelGatewayClient.Completion repeatedAgain = client.chat(task.id(), AgentRole.DEV, turn, 200, key);
        assertThat(repeatedAgain.repeated()).isTrue();
        assertThat(repeatedAgain.callId()).isEqualTo(afterLoss.callId());
        UPSTREAM.verify(exactly(4), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void toolDefinitionsGoUpstreamAndToolCallsComeBackToTheAgent() throws Exception {
        Task task = developingTask();
        answerWith(200, """
                {"id":"c","object":"chat.completion","model":"gpt-test",
                 "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
                   "tool_calls":[{"id":"call_1","type":"function",
                     "function":{"name":"read","arguments":"{\\"path\\": \\"calc.py\\"}"}}]}}],
                 "usage":{"prompt_tokens":40,"completion_tokens":9}}
                """);
        ModelGatewayClient client =
                new ModelGatewayClient(uri("/"), IsolatedServices.API_TOKEN, java.time.Duration.ofSeconds(10));
        tools.jackson.databind.node.ArrayNode tools = JSON.createArrayNode();
        tools.addObject().put("type", "function").putObject("function").put("name", "read");

        ModelGatewayClient.Completion answer = client.chat(
                task.id(),
                AgentRole.DEV,
                List.of(
                        ModelGatewayClient.Message.user("look"),
                        ModelGatewayClient.Message.assistant(
                                null, List.of(new ModelGatewayClient.ToolCall("call_0", "list", "{}"))),
                        ModelGatewayClient.Message.tool("call_0", "calc.py")),
                100,
                null,
                tools);

        assertThat(answer.toolCalls())
                .containsExactly(new ModelGatewayClient.ToolCall("call_1", "read", "{\"path\": \"calc.py\"}"));
        UPSTREAM.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"tools\""))
                .withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing("\"tool_call_id\":\"call_0\"")));

        ObjectNode orphan = request("x");
        ((tools.jackson.databind.node.ArrayNode) orphan.path("messages"))
                .addObject()
                .put("role", "tool")
                .put("content", "an answer to nothing");
        HttpResponse<String> refused = chat(task, "dev", orphan);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("tool_call_id");
    }

    @Test
    void aKeyWhoseCallFailedMayBeAskedAgainAndABadKeyIsRefused() throws Exception {
        Task task = developingTask();
        answerWith(500, "{}");
        ObjectNode request = request("hello");
        assertThat(chatWithKey(task, request, "k-1").statusCode()).isEqualTo(502);
        answerWith(200, completion("now it works", 5, 2));
        HttpResponse<String> retried = chatWithKey(task, request, "k-1");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(retried.headers().firstValue("X-Fleet-Repeated")).hasValue("false");
        assertThat(retried.body()).contains("now it works");

        HttpResponse<String> bad = chatWithKey(task, request, "with space");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Idempotency-Key");
    }

    private HttpResponse<String> chatWithKey(Task task, ObjectNode request, String key) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri("/v1/chat/completions"))
                                .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                                .header("Content-Type", "application/json")
                                .header("X-Fleet-Task", task.id().toString())
                                .header("X-Fleet-Role", "dev")
                                .header("Idempotency-Key", key)
                                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void fiftyConcurrentCallsAgainstABudgetForTenLetTenThroughAndParkTheTask() throws Exception {
        Task task = developingTask();
        ObjectNode request = request("x".repeat(30));
        request.put("max_tokens", 3);
        long estimate = TokenEstimator.promptTokens(request.path("messages"));
        long perCall = estimate + 3; // the upstream uses exactly what was reserved
        answerWith(200, completion("ok", (int) estimate, 3));
        setBudget(task, perCall * 10);

        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(() -> chat(task, "dev", request).statusCode());
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(50)) {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
        }

        assertThat(statuses.stream().filter(s -> s == 200)).hasSize(10);
        assertThat(statuses.stream().filter(s -> s == 429)).hasSize(40);
        assertThat(budget(task)).containsEntry("used_tokens", perCall * 10).containsEntry("reserved_tokens", 0L);
        assertThat(jdbc.sql(
                                "SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) FROM model_calls WHERE task_id = :t")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .as("the ledger adds up")
                .isEqualTo(perCall * 10);
        assertThat(tasks.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.BLOCKED_BUDGET);
    }

    @Test
    void overBudgetIs429NamingTheBudgetAndRaisingItLetsTheTaskGoOn() throws Exception {
        Task task = developingTask();
        answerWith(200, completion("ok", 10, 10));
        setBudget(task, 50);

        HttpResponse<String> refused = chat(task, "dev", request("please"));

        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("type").asString()).isEqualTo("budget_exceeded");
        assertThat(error.path("budget").path("budget").asString()).isEqualTo("task");
        assertThat(error.path("budget").path("limit").asLong()).isEqualTo(50);
        assertThat(tasks.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.BLOCKED_BUDGET);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_trail WHERE task_id = :t AND action = 'budget.exceeded'")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        setBudget(task, 100_000);
        HttpResponse<String> retried = api("POST", "/api/tasks/" + task.id() + "/retry", null);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(chat(task, "dev", request("please")).statusCode()).isEqualTo(200);
    }

    @Test
    void aRecordedConversationAnswersEachTurnWhateverTheLaterMessagesHold() throws Exception {
        Task task = developingTask();
        Files.writeString(
                RECORDINGS.resolve("multiply.conversation.json"), """
                {"match": ["Issue 4711", "multiply"], "unless": ["Feedback:"],
                 "answers": ["first: read calc.py", %s]}
                """.formatted(completion("second: edit", 11, 3)));
        Files.writeString(RECORDINGS.resolve("multiply-again.conversation.json"), """
                {"match": ["Issue 4711", "multiply", "Feedback:"], "answers": ["again: fix the review's finding"]}
                """);
        ObjectNode turn1 = request("Issue 4711: add multiply");
        ObjectNode turn2 = turn1.deepCopy();
        ((tools.jackson.databind.node.ArrayNode) turn2.path("messages"))
                .add(JSON.createObjectNode().put("role", "assistant").put("content", "first: read calc.py"))
                .add(JSON.createObjectNode()
                        .put("role", "user")
                        .put("content", "1 passed in 0.0" + System.nanoTime() + "s"));
        ObjectNode turn3 = turn2.deepCopy();
        ((tools.jackson.databind.node.ArrayNode) turn3.path("messages"))
                .add(JSON.createObjectNode().put("role", "assistant").put("content", "x"));

        HttpResponse<String> first = chat(task, "review", turn1);
        HttpResponse<String> second = chat(task, "review", turn2);
        HttpResponse<String> beyond = chat(task, "review", turn3);
        HttpResponse<String> unmatched = chat(task, "review", request("Issue 4711: add division"));
        HttpResponse<String> again = chat(task, "review", request("Issue 4711: add multiply. Feedback: a test"));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).contains("first: read calc.py");
        assertThat(first.headers().firstValue("X-Fleet-Replayed")).contains("true");
        assertThat(JSON.readTree(first.body()).path("usage").path("estimated").asBoolean())
                .isTrue();
        assertThat(second.body()).contains("second: edit");
        assertThat(JSON.readTree(second.body())
                        .path("usage")
                        .path("prompt_tokens")
                        .asInt())
                .isEqualTo(11);
        assertThat(beyond.statusCode()).isEqualTo(502);
        assertThat(beyond.body()).contains("replay_miss").contains("has 2 answers; turn 3");
        assertThat(unmatched.statusCode()).isEqualTo(502);
        assertThat(again.body())
                .as("the recording whose unless string the request holds is passed over")
                .contains("again: fix the review's finding");
        UPSTREAM.verify(exactly(0), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void aRecordedExchangeIsReplayedAndSaysSoAndAnUnrecordedOneFailsNamingIt() throws Exception {
        Task task = developingTask();
        ObjectNode recorded = request("Review this diff");
        ObjectNode exchange = JSON.createObjectNode();
        exchange.set("request", recorded);
        exchange.set("response", JSON.readTree(completion("APPROVE", 7, 2)));
        Files.writeString(
                RECORDINGS.resolve(ReplayProvider.keyOf(recorded) + ".json"), JSON.writeValueAsString(exchange));

        HttpResponse<String> replayed = chat(task, "review", recorded);
        HttpResponse<String> missing = chat(task, "review", request("Something never recorded"));

        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(replayed.headers().firstValue("X-Fleet-Replayed")).contains("true");
        assertThat(replayed.body()).contains("APPROVE");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_trail WHERE task_id = :t AND action = 'model.replayed'")
                        .param("t", task.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(missing.statusCode()).isEqualTo(502);
        assertThat(missing.body())
                .contains("replay_miss")
                .contains(ReplayProvider.keyOf(request("Something never recorded")))
                .contains("Something never recorded");
        UPSTREAM.verify(exactly(0), postRequestedFor(urlEqualTo("/v1/chat/completions")));
    }

    @Test
    void aRecordedLiveExchangeIsLaterReplayedWithoutTheNetwork() throws Exception {
        Task task = developingTask();
        answerWith(200, completion("Tests pass.", 9, 3));
        ObjectNode request = request("Did the tests pass? token ghp_" + "b".repeat(36));

        HttpResponse<String> live = chat(task, "qa", request);
        UPSTREAM.resetAll(); // the network is gone now
        HttpResponse<String> replayed = chat(task, "review", request);

        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(replayed.headers().firstValue("X-Fleet-Replayed")).contains("true");
        assertThat(JSON.readTree(replayed.body())
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asString())
                .isEqualTo("Tests pass.");
        assertThat(Files.readString(RECORDINGS.resolve(ReplayProvider.keyOf(request) + ".json")))
                .doesNotContain("ghp_bbbb")
                .contains("[REDACTED github-token]");
    }

    @Test
    void callsMustNameTaskAndRoleComeWithAnAgentTokenAndBeWellFormed() throws Exception {
        Task task = developingTask();
        HttpRequest.Builder noHeaders = HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request("hi").toString()));
        assertThat(http.send(noHeaders.build(), HttpResponse.BodyHandlers.ofString())
                        .body())
                .contains("X-Fleet-Task");

        HttpResponse<String> created =
                api("POST", "/api/tokens", "{\"name\":\"viewer-" + UUID.randomUUID() + "\",\"role\":\"viewer\"}");
        String viewer = JSON.readTree(created.body()).path("token").asString();
        assertThat(send(task.id().toString(), "dev", request("hi"), viewer).statusCode())
                .isEqualTo(403);
        assertThat(send(task.id().toString(), "dev", request("hi"), null).statusCode())
                .isEqualTo(401);
        assertThat(chat(task, "nobody", request("hi")).statusCode()).isEqualTo(400);
        assertThat(send(UUID.randomUUID().toString(), "dev", request("hi"), IsolatedServices.API_TOKEN)
                        .statusCode())
                .isEqualTo(404);
        ObjectNode streaming = request("hi");
        streaming.put("stream", true);
        assertThat(chat(task, "dev", streaming).body()).contains("streaming is not supported");
        ObjectNode greedy = request("hi");
        greedy.put("max_tokens", 10_000_000);
        assertThat(chat(task, "dev", greedy).statusCode()).isEqualTo(400);
    }

    private Task developingTask() {
        Task task = TaskStates.created(
                tasks,
                new NewTask(
                        "acme/gateway-" + ThreadLocalRandom.current().nextInt(1_000_000),
                        ThreadLocalRandom.current().nextInt(1, 1_000_000),
                        "t",
                        "b",
                        TaskMode.LINEAR,
                        3,
                        "test"));
        return TaskStates.walk(tasks, task, TaskState.QUEUED, TaskState.DEVELOPING);
    }

    private static ObjectNode request(String text) {
        ObjectNode request = JSON.createObjectNode();
        request.put("model", "whatever-the-agent-likes");
        request.put("max_tokens", 100);
        request.putArray("messages").addObject().put("role", "user").put("content", text);
        return request;
    }

    private static String completion(String text, int prompt, int completion) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-test",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
                """.formatted(JSON.writeValueAsString(text), prompt, completion, prompt + completion);
    }

    private static void answerWith(int status, String body) {
        UPSTREAM.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withBody(body)));
    }

    private HttpResponse<String> chat(Task task, String role, ObjectNode request) throws Exception {
        return send(task.id().toString(), role, request, IsolatedServices.API_TOKEN);
    }

    private HttpResponse<String> send(String task, String role, ObjectNode request, String token) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("X-Fleet-Task", task)
                .header("X-Fleet-Role", role)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void setBudget(Task task, long tokens) throws Exception {
        HttpResponse<String> response =
                api("POST", "/api/tasks/" + task.id() + "/budget", "{\"tokens\":" + tokens + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        return api("GET", "/actuator/prometheus", null).body().replace("application=\"orchestrator\",", "");
    }

    private Map<String, Object> budget(Task task) {
        return jdbc.sql(
                        "SELECT used_tokens, reserved_tokens FROM token_budgets WHERE scope = 'TASK' AND scope_key = :k")
                .param("k", task.id().toString())
                .query()
                .singleRow();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
