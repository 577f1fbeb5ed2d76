package dev.xpfleet.common.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.AgentResult;
import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.UuidV7;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Processes die and Redis restarts; every entry still ends with exactly one result. */
class ConsumerFailureIT {

    @Test
    void entriesOfAKilledAgentAreFinishedOnceByAnother() throws Exception {
        try (IsolatedServices services = IsolatedServices.create("kill9", false);
                ConsumerFixture fixture = new ConsumerFixture(
                        services.endpoints().redis().host(),
                        services.endpoints().redis().port(),
                        services.redisPrefix())) {
            String host = services.endpoints().redis().host();
            int port = services.endpoints().redis().port();
            Process victim = startAgent(host, port, services.redisPrefix(), "victim", 3000);
            Process survivor = null;
            try {
                List<UUID> sent = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    sent.add(fixture.send(AgentRole.DEV, Envelope.create("dev.work", UuidV7.next(), 1, null))
                            .eventId());
                }
                // All 20 in the victim's hands, mid-handler, none finished.
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> sent.stream().allMatch(id -> fixture.redis.exists(callKey(services, id)) > 0));
                assertThat(fixture.results()).isEmpty();

                victim.destroyForcibly().waitFor(); // SIGKILL to this very pid
                survivor = startAgent(host, port, services.redisPrefix(), "survivor", 200);

                await().atMost(Duration.ofSeconds(60))
                        .until(() -> fixture.results().size() >= 20);
                await().during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> fixture.results().size() == 20);
                List<AgentResult> results = fixture.results();
                assertThat(results).extracting(AgentResult::inputEventId).containsExactlyInAnyOrderElementsOf(sent);
                assertThat(results)
                        .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(AgentResult.Outcome.COMPLETED))
                        .allSatisfy(r -> assertThat(r.consumer()).isEqualTo("survivor"));
                assertThat(fixture.pending(AgentRole.DEV)).isZero();
            } finally {
                victim.destroyForcibly();
                if (survivor != null) {
                    survivor.destroyForcibly().waitFor();
                }
            }
        }
    }

    @Test
    void consumersBlockedInReadReconnectAfterRedisRestarts(@TempDir Path dir) throws Exception {
        assumeThat(RedisServerProcess.binary()).as("redis-server on PATH").isNotNull();
        try (RedisServerProcess redis = RedisServerProcess.start(dir);
                ConsumerFixture fixture = new ConsumerFixture("127.0.0.1", redis.port(), "restart:")) {
            MessageHandler echo = new MessageHandler() {
                @Override
                public Set<String> types() {
                    return Set.of("dev.work");
                }

                @Override
                public HandlerResult handle(Envelope envelope, HandlerContext context) {
                    return HandlerResult.completed(null);
                }
            };
            try (StreamConsumer consumer =
                    fixture.consumer(AgentRole.DEV, ConsumerFixture.fastProperties("c1", 2, 5), echo)) {
                consumer.start();
                fixture.send(AgentRole.DEV, Envelope.create("dev.work", UuidV7.next(), 1, null));
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> fixture.results().size() == 1);

                redis.restart();

                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    fixture.send(AgentRole.DEV, Envelope.create("dev.work", UuidV7.next(), 2, null));
                    return true;
                });
                await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> fixture.results().size() >= 2);
                assertThat(consumer.isRunning()).isTrue();
            }
        }
    }

    private static String callKey(IsolatedServices services, UUID id) {
        return services.redisPrefix() + "calls:" + id;
    }

    private static Process startAgent(String host, int port, String prefix, String name, long workMillis)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        TestAgentMain.class.getName(),
                        host,
                        String.valueOf(port),
                        prefix,
                        name,
                        String.valueOf(workMillis))
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "test-agent-" + name + ".log").toFile())
                .start();
    }
}
