package dev.xpfleet.agent.refactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.agent.refactor.testing.SampleForge;
import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.stream.StreamNames;
import dev.xpfleet.common.testing.IsolatedServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two refactor agents on one stream, as the fleet may run them: every scan of a run is done once,
 * by one of them (the stream's consumer group hands each entry to one consumer), never twice.
 */
class TwoRefactorAgentsIT {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked") // lettuce's xread takes its stream offsets as generic varargs
    void eachScanIsDoneOnceByOneOfTwoAgents() throws Exception {
        try (IsolatedServices services = IsolatedServices.create("two-refactor-agents", false)) {
            Path forge = SampleForge.create(dir, null);
            List<ConfigurableApplicationContext> agents = new ArrayList<>();
            try {
                agents.add(start(services, forge, "refactor-a"));
                agents.add(start(services, forge, "refactor-b"));
                StreamNames names = new StreamNames(services.redisPrefix());
                RedisClient client = RedisClient.create(RedisURI.create(
                        services.endpoints().redis().host(),
                        services.endpoints().redis().port()));
                try (StatefulRedisConnection<String, String> redis = client.connect()) {
                    List<UUID> sent = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                        var payload = EnvelopeCodec.mapper().createObjectNode().put("repository", "acme/shop");
                        Envelope scan = Envelope.create(MessageTypes.REFACTOR_SCAN, UUID.randomUUID(), 1, payload);
                        sent.add(scan.eventId());
                        redis.sync().xadd(names.tasks(AgentRole.REFACTOR), EnvelopeCodec.toFields(scan));
                    }
                    List<AgentResult> results = await().atMost(Duration.ofMinutes(2))
                            .until(
                                    () -> results(
                                            redis.sync().xread(XReadArgs.StreamOffset.from(names.results(), "0"))),
                                    r -> r.size() >= sent.size());
                    // No second answer to any of them shows up while both agents keep running.
                    results = await("no scan answered twice")
                            .during(Duration.ofSeconds(2))
                            .atMost(Duration.ofSeconds(10))
                            .until(
                                    () -> results(
                                            redis.sync().xread(XReadArgs.StreamOffset.from(names.results(), "0"))),
                                    r -> r.size() == sent.size());
                    Map<UUID, Long> answers = results.stream()
                            .collect(Collectors.groupingBy(AgentResult::inputEventId, Collectors.counting()));
                    assertThat(answers.keySet()).containsExactlyInAnyOrderElementsOf(sent);
                    assertThat(answers.values()).as("each scan answered once").containsOnly(1L);
                    assertThat(results).allSatisfy(r -> {
                        assertThat(r.outcome()).as(String.valueOf(r.reason())).isEqualTo(AgentResult.Outcome.COMPLETED);
                        assertThat(r.output().path("groups")).hasSize(1);
                    });
                    assertThat(results).extracting(AgentResult::consumer).allMatch(c -> c.startsWith("refactor-"));
                } finally {
                    client.shutdown();
                }
            } finally {
                agents.forEach(ConfigurableApplicationContext::close);
            }
        }
    }

    private ConfigurableApplicationContext start(IsolatedServices services, Path forge, String name) {
        Map<String, Object> props = new HashMap<>(services.springProperties());
        props.put("server.port", 0);
        props.put("fleet.consumer.instance-id", name);
        props.put("fleet.refactor.clone-url", forge.toUri() + "{repository}.git");
        props.put("fleet.refactor.work-root", dir.resolve(name).toString());
        // As arguments: they win over the application's own settings (its fixed port).
        return new SpringApplicationBuilder(RefactorAgentApplication.class)
                .run(props.entrySet().stream()
                        .map(e -> "--" + e.getKey() + "=" + e.getValue())
                        .toArray(String[]::new));
    }

    private static List<AgentResult> results(List<StreamMessage<String, String>> entries) {
        return entries.stream()
                .map(entry -> AgentResult.fromEnvelope(EnvelopeCodec.fromFields(entry.getBody())))
                .toList();
    }
}
