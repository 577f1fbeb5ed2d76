package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.orchestrator.audit.AuditTrail;
import dev.xpfleet.orchestrator.budget.BudgetExceededException;
import dev.xpfleet.orchestrator.budget.TokenBudgets;
import dev.xpfleet.orchestrator.task.Task;
import dev.xpfleet.orchestrator.task.TaskRepository;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One chat completion for one task: check, reserve, call (with retries), settle, archive, count.
 * No database transaction is held while the upstream is called.
 */
@Service
class ChatGateway {

    private static final Logger log = LoggerFactory.getLogger(ChatGateway.class);

    private final TaskRepository tasks;
    private final TokenBudgets budgets;
    private final Providers providers;
    private final RetryingCaller caller;
    private final ExchangeArchive archive;
    private final BudgetBlocker blocker;
    private final GatewayMetrics metrics;
    private final AuditTrail audit;
    private final GatewayProperties props;

    ChatGateway(
            TaskRepository tasks,
            TokenBudgets budgets,
            Providers providers,
            RetryingCaller caller,
            ExchangeArchive archive,
            BudgetBlocker blocker,
            GatewayMetrics metrics,
            AuditTrail audit,
            GatewayProperties props) {
        this.tasks = tasks;
        this.budgets = budgets;
        this.providers = providers;
        this.caller = caller;
        this.archive = archive;
        this.blocker = blocker;
        this.metrics = metrics;
        this.audit = audit;
        this.props = props;
    }

    /**
     * What the controller sends back: the upstream's answer and facts for the response headers.
     *
     * @param repeated answered from the archive of an earlier call with the same idempotency key
     */
    record Completion(ObjectNode body, long callId, boolean replayed, boolean repeated) {}

    Completion complete(UUID taskId, String roleKey, ObjectNode request) {
        return complete(taskId, roleKey, request, null);
    }

    /**
     * @param idempotencyKey the agent's name for this call (task, iteration, turn), or null: a key
     *     already answered is answered again from the archive, free; one still in flight is a 409
     */
    Completion complete(UUID taskId, String roleKey, ObjectNode request, String idempotencyKey) {
        String role = AgentRole.fromKey(roleKey).key();
        Task task = tasks.find(taskId)
                .orElseThrow(() -> new GatewayException(HttpStatus.NOT_FOUND, "not_found", "no task " + taskId));
        if (task.state().isTerminal()) {
            throw new GatewayException(
                    HttpStatus.CONFLICT, "task_closed", "task " + taskId + " is " + task.state() + "; no model calls");
        }
        int maxTokens = validate(request);
        if (idempotencyKey != null) {
            Optional<Completion> repeated = repeat(taskId, role, idempotencyKey);
            if (repeated.isPresent()) {
                return repeated.get();
            }
        }
        ModelProvider provider = providers
                .forRole(role)
                .orElseThrow(() -> new GatewayException(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "no_provider",
                        "no model provider for role '" + role + "' (set fleet.gateway.roles." + role
                                + " or fleet.gateway.default-provider)"));
        ObjectNode upstream = request.deepCopy();
        upstream.put("model", provider.model());
        upstream.put("max_tokens", maxTokens);
        upstream.remove("stream");
        long promptEstimate =
                TokenEstimator.promptTokens(request.path("messages")) + TokenEstimator.tools(request.path("tools"));
        long reservation = promptEstimate + maxTokens;

        long callId;
        try {
            callId = budgets.reserve(new TokenBudgets.CallSpec(
                    taskId, role, task.repository(), provider.name(), provider.model(), reservation, idempotencyKey));
        } catch (DuplicateKeyException e) {
            throw inFlight(taskId, idempotencyKey);
        } catch (BudgetExceededException e) {
            metrics.refused(e.scope().label());
            blocker.block(taskId, role, e);
            log.warn("Model call for task {} ({}) refused: {}", taskId, role, e.getMessage());
            throw e;
        }
        long started = System.nanoTime();
        ModelProvider.Reply reply;
        try {
            reply = caller.call(provider, upstream);
        } catch (UpstreamException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            String key = archive.store(taskId, callId, role, provider, upstream, null, e.getMessage());
            budgets.release(callId, e.kind() + ": " + e.getMessage());
            metrics.failed(role, provider.model(), e.kind().name().toLowerCase(java.util.Locale.ROOT), took);
            audit.record(
                    taskId, role, "model.failed", details(callId, provider, false, Map.of("error", e.getMessage())));
            log.warn(
                    "Model call {} for task {} ({}) via {} failed: {} (archived as {})",
                    callId,
                    taskId,
                    role,
                    provider.name(),
                    e.getMessage(),
                    key);
            throw failure(e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        JsonNode usage = reply.body().path("usage");
        long in = usage.path("prompt_tokens").asLong(promptEstimate);
        long out = usage.path("completion_tokens").asLong(maxTokens);
        String key = archive.store(taskId, callId, role, provider, upstream, reply, null);
        budgets.settle(callId, new TokenBudgets.Usage(in, out, took.toMillis(), "answered", reply.replayed(), key));
        metrics.answered(role, provider.model(), task.repository(), in, out, took);
        audit.record(
                taskId,
                role,
                reply.replayed() ? "model.replayed" : "model.answered",
                details(callId, provider, reply.replayed(), Map.of("promptTokens", in, "completionTokens", out)));
        log.info(
                "Model call {} for task {} ({}) via {} ({}){}: {} tokens in, {} out, {} ms",
                callId,
                taskId,
                role,
                provider.name(),
                provider.model(),
                reply.replayed() ? " REPLAYED from a recording" : "",
                in,
                out,
                took.toMillis());
        return new Completion(reply.body(), callId, reply.replayed(), false);
    }

    /** The answer of the call that already holds this key, without reserving or charging anything. */
    private Optional<Completion> repeat(UUID taskId, String role, String idempotencyKey) {
        Optional<TokenBudgets.KeyedCall> keyed = budgets.keyedCall(taskId, role, idempotencyKey);
        if (keyed.isEmpty()) {
            return Optional.empty();
        }
        TokenBudgets.KeyedCall call = keyed.get();
        if (!call.answered()) {
            throw inFlight(taskId, idempotencyKey);
        }
        Optional<ObjectNode> archived =
                call.archiveKey() == null ? Optional.empty() : archive.response(call.archiveKey());
        if (archived.isEmpty()) {
            // The answer was paid for but cannot be given again: better to pay once more than to
            // leave the key stuck for good.
            budgets.forgetKey(call.id());
            log.warn(
                    "Call {} answered key {} of task {} but its archive {} cannot be read; asking the model again",
                    call.id(),
                    idempotencyKey,
                    taskId,
                    call.archiveKey());
            return Optional.empty();
        }
        audit.record(taskId, role, "model.repeated", Map.of("call", call.id(), "idempotencyKey", idempotencyKey));
        log.info(
                "Model call for task {} ({}) with key {} answered again from call {}'s archive, not charged",
                taskId,
                role,
                idempotencyKey,
                call.id());
        return Optional.of(new Completion(archived.get(), call.id(), call.replayed(), true));
    }

    private static GatewayException inFlight(UUID taskId, String idempotencyKey) {
        return new GatewayException(
                HttpStatus.CONFLICT,
                "call_in_flight",
                "a call of task " + taskId + " with idempotency key '" + idempotencyKey
                        + "' is still running; ask again when it has answered");
    }

    /** @return the max_tokens to ask for */
    private int validate(ObjectNode request) {
        JsonNode messages = request.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw GatewayException.badRequest("'messages' must be a non-empty array");
        }
        for (JsonNode message : messages) {
            boolean toolCalls = "assistant".equals(message.path("role").asString(""))
                    && message.path("tool_calls").isArray()
                    && !message.path("tool_calls").isEmpty();
            boolean content = message.path("content").isString()
                    || message.path("content").isArray();
            if (!message.path("role").isString() || !(content || toolCalls)) {
                throw GatewayException.badRequest(
                        "every message needs a 'role' and a 'content' (an assistant's may have 'tool_calls' instead)");
            }
            if ("tool".equals(message.path("role").asString(""))
                    && !message.path("tool_call_id").isString()) {
                throw GatewayException.badRequest("a 'tool' message needs the 'tool_call_id' it answers");
            }
        }
        if (request.path("stream").asBoolean(false)) {
            throw GatewayException.badRequest("streaming is not supported; send \"stream\": false");
        }
        JsonNode asked = request.has("max_completion_tokens")
                ? request.path("max_completion_tokens")
                : request.path("max_tokens");
        if (asked.isMissingNode() || asked.isNull()) {
            return Math.min(props.maxTokensDefault(), props.maxTokensCap());
        }
        if (!asked.isIntegralNumber() || asked.asLong() < 1 || asked.asLong() > props.maxTokensCap()) {
            throw GatewayException.badRequest("max_tokens must be between 1 and " + props.maxTokensCap());
        }
        return asked.asInt();
    }

    private static Map<String, Object> details(
            long callId, ModelProvider provider, boolean replayed, Map<String, Object> more) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("call", callId);
        details.put("provider", provider.name());
        details.put("model", provider.model());
        details.put("replayed", replayed);
        details.putAll(more);
        return details;
    }

    private static GatewayException failure(UpstreamException e) {
        return switch (e.kind()) {
            case TIMEOUT -> new GatewayException(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout", e.getMessage());
            case REPLAY_MISS -> new GatewayException(HttpStatus.BAD_GATEWAY, "replay_miss", e.getMessage());
            case MALFORMED -> new GatewayException(HttpStatus.BAD_GATEWAY, "upstream_malformed", e.getMessage());
            case RATE_LIMITED -> new GatewayException(HttpStatus.BAD_GATEWAY, "upstream_rate_limited", e.getMessage());
            default -> new GatewayException(HttpStatus.BAD_GATEWAY, "upstream_error", e.getMessage());
        };
    }
}
