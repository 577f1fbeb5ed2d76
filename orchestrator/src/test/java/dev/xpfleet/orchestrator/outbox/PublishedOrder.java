package dev.xpfleet.orchestrator.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the relays published, checked: every task's messages on the stream, in iteration order. */
public final class PublishedOrder {

    private static final Logger log = LoggerFactory.getLogger(PublishedOrder.class);

    private PublishedOrder() {}

    /** Every task's messages are on the stream, in iteration order once redeliveries are dropped. */
    public static void assertEveryTaskInOrder(
            RedisCommands<String, String> redis, String stream, List<UUID> ids, int perTask) {
        Map<UUID, List<Integer>> byTask = new LinkedHashMap<>();
        Set<UUID> seen = new HashSet<>();
        int duplicates = 0;
        String from = "-";
        while (true) {
            List<StreamMessage<String, String>> page = redis.xrange(stream, Range.create(from, "+"), Limit.from(5_000));
            for (StreamMessage<String, String> entry : page) {
                if (entry.getId().equals(from)) {
                    continue;
                }
                Envelope envelope = EnvelopeCodec.fromFields(entry.getBody());
                if (!seen.add(envelope.eventId())) {
                    duplicates++;
                    continue;
                }
                byTask.computeIfAbsent(envelope.taskId(), k -> new ArrayList<>())
                        .add(envelope.iteration());
            }
            if (page.size() < 5_000) {
                break;
            }
            from = page.getLast().getId();
        }
        log.info("{} tasks checked on {}, {} redelivered duplicates dropped", ids.size(), stream, duplicates);
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= perTask; i++) {
            expected.add(i);
        }
        for (UUID id : ids) {
            assertThat(byTask.get(id)).as("task " + id).isEqualTo(expected);
        }
    }
}
