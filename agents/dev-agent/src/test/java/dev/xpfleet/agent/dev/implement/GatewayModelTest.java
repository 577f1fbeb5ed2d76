package dev.xpfleet.agent.dev.implement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.xpfleet.common.model.ModelCallException;
import dev.xpfleet.common.model.ModelGatewayClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The developer's model client against a stand-in gateway (the JDK's HTTP server). */
class GatewayModelTest {

    private static final String IN_FLIGHT = "{\"error\":{\"type\":\"call_in_flight\",\"message\":\"still running\"}}";
    private static final String ANSWER = "{\"choices\":[{\"message\":{\"content\":\"the answer\"}}],"
            + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}";

    private HttpServer server;
    private final AtomicInteger asked = new AtomicInteger();
    private final List<String> keys = new ArrayList<>();
    private final List<String> bodies = new ArrayList<>();
    private volatile int inFlightAnswers;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean busy = asked.incrementAndGet() <= inFlightAnswers;
            byte[] body = (busy ? IN_FLIGHT : ANSWER).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(busy ? 409 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aTurnStillAnsweredForAnEarlierDeliveryIsWaitedForUnderTheSameKey() {
        inFlightAnswers = 2;
        List<Duration> pauses = new ArrayList<>();
        UUID task = UUID.randomUUID();

        var turn =
                model(task, Duration.ofMinutes(1), pauses).ask(List.of(ModelGatewayClient.Message.user("x")), 3, 100);

        assertThat(turn.text()).isEqualTo("the answer");
        assertThat(keys).containsOnly(task + ":1:3").hasSize(3);
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(bodies.getFirst()).contains("\"tools\"").contains("\"name\":\"submit\"");
    }

    @Test
    void theWaitEndsAndTheCallFailsWhenTheTurnNeverComes() {
        inFlightAnswers = 100;

        assertThatThrownBy(() -> model(UUID.randomUUID(), Duration.ofSeconds(3), new ArrayList<>())
                        .ask(List.of(ModelGatewayClient.Message.user("x")), 1, 100))
                .isInstanceOfSatisfying(
                        ModelCallException.class, e -> assertThat(e.type()).isEqualTo("call_in_flight"));
        assertThat(asked.get()).isEqualTo(3);
    }

    private GatewayModel model(UUID task, Duration wait, List<Duration> pauses) {
        ModelGatewayClient client = new ModelGatewayClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "token", Duration.ofSeconds(5));
        return new GatewayModel(client, task, "1", wait, pauses::add, true);
    }
}
