package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.stream.Envelope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds the handler for an envelope type; a type nobody handles is a reported failure, never a silent ack. */
public final class HandlerRegistry {

    private final AgentRole role;
    private final Map<String, MessageHandler> byType = new HashMap<>();

    public HandlerRegistry(AgentRole role, List<? extends MessageHandler> handlers) {
        this.role = role;
        for (MessageHandler handler : handlers) {
            for (String type : handler.types()) {
                MessageHandler previous = byType.putIfAbsent(type, handler);
                if (previous != null) {
                    throw new IllegalStateException("two handlers for type '%s' in role %s: %s and %s"
                            .formatted(
                                    type,
                                    role.key(),
                                    previous.getClass().getName(),
                                    handler.getClass().getName()));
                }
            }
        }
    }

    HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
        MessageHandler handler = byType.get(envelope.type());
        if (handler == null) {
            return HandlerResult.failed("no handler for message type '%s' in the %s agent (handles: %s)"
                    .formatted(envelope.type(), role.key(), byType.isEmpty() ? "nothing yet" : byType.keySet()));
        }
        return handler.handle(envelope, context);
    }
}
