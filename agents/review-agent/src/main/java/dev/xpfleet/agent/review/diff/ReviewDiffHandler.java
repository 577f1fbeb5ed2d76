package dev.xpfleet.agent.review.diff;

import dev.xpfleet.agent.review.findings.Finding;
import dev.xpfleet.agent.review.findings.SuggestionBuild;
import dev.xpfleet.agent.review.findings.SuggestionCheck;
import dev.xpfleet.agent.review.model.GatewayReviewModel;
import dev.xpfleet.agent.review.model.ModelReview;
import dev.xpfleet.agent.review.policy.DonePolicy;
import dev.xpfleet.common.artifact.ArtifactKeys;
import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.build.FleetYml;
import dev.xpfleet.common.consumer.HandlerContext;
import dev.xpfleet.common.consumer.HandlerResult;
import dev.xpfleet.common.consumer.MessageHandler;
import dev.xpfleet.common.model.ModelGatewayClient;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.workspace.CloneCredentials;
import dev.xpfleet.common.workspace.Names;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceException;
import dev.xpfleet.common.workspace.Workspaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code review.diff}: the developer's patch on a clone of the base commit, the base tree's
 * Definition of Done, then the model's review; the report goes to {@code
 * tasks/<task>/review/iter_<n>.json} and is the result. Idempotent: a redelivered step whose report
 * is stored for the same patch answers from it; one redone after a crash gets its paid model answers
 * from the gateway's archive.
 */
@Component
class ReviewDiffHandler implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(ReviewDiffHandler.class);
    private static final int MAX_ARTIFACT_BYTES = 5 * 1024 * 1024;

    private final ArtifactStore artifacts;
    private final ReviewProperties props;
    private final Sandbox sandbox;

    ReviewDiffHandler(ArtifactStore artifacts, ReviewProperties props) {
        this.artifacts = artifacts;
        this.props = props;
        this.sandbox = new Sandbox(props.allowUnsandboxed());
    }

    @Override
    public Set<String> types() {
        return Set.of(MessageTypes.REVIEW_DIFF);
    }

    @Override
    public HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
        JsonNode payload = envelope.payload();
        String repository = payload.path("repository").asString("");
        String patchKey = payload.path("patch").asString("");
        String baseCommit = payload.path("baseCommit").asString("");
        JsonNode qaOutput = payload.path("qa").isObject() ? payload.path("qa") : payload.path("previous");
        String qaKey = qaOutput.path("report").asString("");
        String taskPrefix = ArtifactKeys.task(envelope.taskId()) + "/";
        if (!Names.isRepository(repository)) {
            return HandlerResult.failed("repository must look like owner/name, got '" + repository + "'");
        }
        if (!patchKey.startsWith(taskPrefix)) {
            return HandlerResult.failed("the step names no patch of this task (got '" + patchKey + "')");
        }
        if (!qaKey.startsWith(taskPrefix)) {
            return HandlerResult.failed("the step names no QA report of this task (got '" + qaKey + "')");
        }
        if (!Names.isCommit(baseCommit)) {
            return HandlerResult.failed("baseCommit must be a commit id, got '" + baseCommit + "'");
        }
        Optional<String> diff = text(patchKey);
        Optional<String> qaText = text(qaKey);
        if (diff.isEmpty() || qaText.isEmpty()) {
            return HandlerResult.failed(
                    (diff.isEmpty() ? patchKey : qaKey) + " is missing from the artifact store or larger than 5 MB");
        }
        String patchHash = Workspace.hashOf(diff.get());
        String expected = payload.path("patchHash").asString(patchHash);
        if (!expected.equals(patchHash)) {
            return HandlerResult.failed("patch " + patchKey + " is not the one QA passed (hash " + patchHash + ")");
        }
        String reportKey = ArtifactKeys.task(envelope.taskId(), "review", "iter_" + envelope.iteration() + ".json");
        Optional<ObjectNode> stored = stored(reportKey, patchHash);
        if (stored.isPresent()) {
            log.info("Task {}: review of this patch already stored, answering from it", envelope.taskId());
            return HandlerResult.completed(stored.get());
        }
        JsonNode qa;
        try {
            qa = EnvelopeCodec.mapper().readTree(qaText.get());
        } catch (JacksonException e) {
            return HandlerResult.failed("QA report " + qaKey + " is not JSON");
        }
        ObjectNode output;
        try (Workspace workspace = clone(repository, baseCommit)) {
            DonePolicy policy;
            try {
                policy = DonePolicy.from(FleetYml.read(workspace.dir()));
            } catch (IllegalArgumentException e) {
                output = EnvelopeCodec.mapper().createObjectNode();
                output.put("decision", Reviewer.NEEDS_HUMAN);
                output.put("reason", "the base tree's " + e.getMessage());
                // The findings so far stay with the task for the review after a person fixed the file.
                output.set(
                        "history",
                        payload.path("earlierFindings").isArray()
                                ? payload.path("earlierFindings")
                                : EnvelopeCodec.mapper().createArrayNode());
                output.putArray("blocking");
                output.put("report", reportKey);
                return HandlerResult.completed(store(reportKey, output, patchHash));
            }
            if (policy.modelReview() && props.orchestratorUrl() == null) {
                return HandlerResult.failed(
                        "the repository asks for a model review and the reviewer has no fleet.review.orchestrator-url");
            }
            SuggestionBuild.Setup build = SuggestionBuild.Setup.read(
                    workspace.dir(),
                    props.workRoot().resolve("cache").resolve(repository).toAbsolutePath());
            workspace.applyDiff(diff.get());
            // Asked per review: a container engine may come and go while the reviewer runs.
            boolean sandboxed = Sandbox.unavailableReason() == null;
            try (SuggestionBuild builds = new SuggestionBuild(
                    workspace,
                    build,
                    // A build runs the repository's build plugins: never outside a real sandbox.
                    sandboxed ? sandbox : null,
                    props.buildLimits(),
                    props.suggestionBuilds(),
                    props.workRoot().resolve("workspaces").toAbsolutePath())) {
                Reviewer reviewer = new Reviewer(
                        model(envelope),
                        new SuggestionCheck(workspace.dir(), sandboxed || props.allowUnsandboxed() ? sandbox : null),
                        builds);
                output = reviewer.review(
                        new Reviewer.Input(
                                envelope.iteration(),
                                payload.path("issue").path("title").asString(""),
                                payload.path("issue").path("body").asString(""),
                                diff.get(),
                                qa,
                                earlier(payload.path("earlierFindings")),
                                // Said by the orchestrator, which opened the refactoring; never the issue.
                                "refactor".equals(payload.path("kind").asString(""))),
                        policy,
                        workspace.dir());
            }
        }
        log.info(
                "Task {} iteration {}: review {} ({} blocking, {} open findings)",
                envelope.taskId(),
                envelope.iteration(),
                output.path("decision").asString(),
                output.path("blocking").size(),
                output.path("findings").size());
        output.put("report", reportKey);
        return HandlerResult.completed(store(reportKey, output, patchHash));
    }

    private ModelReview model(Envelope envelope) {
        if (props.orchestratorUrl() == null) {
            return null;
        }
        ModelGatewayClient client =
                new ModelGatewayClient(props.orchestratorUrl(), props.orchestratorToken(), props.modelTimeout());
        return new ModelReview(
                new GatewayReviewModel(client, envelope.taskId(), envelope.iteration(), props.inFlightWait()),
                props.maxAttempts(),
                props.maxAnswerTokens());
    }

    /** The previous review's history; entries that cannot be read are left out. */
    private static List<Finding> earlier(JsonNode history) {
        List<Finding> findings = new ArrayList<>();
        for (JsonNode node : history) {
            try {
                Finding f = EnvelopeCodec.mapper().treeToValue(node, Finding.class);
                if (f.fingerprint() != null && f.file() != null && f.status() != null) {
                    findings.add(f);
                }
            } catch (JacksonException e) {
                log.warn("An earlier finding could not be read and is left out: {}", e.getOriginalMessage());
            }
        }
        return findings;
    }

    private Workspace clone(String repository, String commit) throws WorkspaceException {
        CloneCredentials.Source source = CloneCredentials.of(
                props.cloneUrl(), props.orchestratorUrl(), props.orchestratorToken(), repository, "review");
        return new Workspaces(props.workRoot().resolve("workspaces").toAbsolutePath())
                .cloneAt(source.url(), commit, source.credentials());
    }

    private Optional<String> text(String key) throws IOException {
        Optional<byte[]> bytes = artifacts.get(ArtifactKeys.validate(key));
        return bytes.filter(b -> b.length <= MAX_ARTIFACT_BYTES).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    private Optional<ObjectNode> stored(String key, String patchHash) throws IOException {
        Optional<byte[]> bytes = artifacts.get(key);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        JsonNode report = EnvelopeCodec.mapper().readTree(bytes.get());
        return report instanceof ObjectNode object
                        && patchHash.equals(object.path("patchHash").asString(""))
                ? Optional.of(object)
                : Optional.empty();
    }

    private ObjectNode store(String key, ObjectNode output, String patchHash) throws IOException {
        output.put("patchHash", patchHash);
        artifacts.put(key, EnvelopeCodec.mapper().writeValueAsBytes(output), "application/json");
        return output;
    }
}
