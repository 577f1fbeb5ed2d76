package dev.xpfleet.agent.dev.implement;

import dev.xpfleet.agent.dev.loop.Brief;
import dev.xpfleet.agent.dev.loop.LoopOutcome;
import dev.xpfleet.agent.dev.loop.PairTurn;
import dev.xpfleet.agent.dev.loop.TestCommand;
import dev.xpfleet.agent.dev.tools.PathRules;
import dev.xpfleet.common.artifact.ArtifactKeys;
import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.consumer.HandlerContext;
import dev.xpfleet.common.consumer.HandlerResult;
import dev.xpfleet.common.consumer.MessageHandler;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.workspace.Names;
import dev.xpfleet.common.workspace.Workspace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code dev.implement}: a clone of the repository (with the previous iteration's patch applied
 * after the first), the developer's loop on it, and the result the orchestrator keeps and QA reads:
 * the patch ({@code tasks/<task>/iter_<n>/patch.diff}), a snapshot of the worktree, the red and
 * green evidence, test runs, turns and tokens. Idempotent: a step whose result is stored answers
 * from it; a step redone after a crash replays its paid turns from the gateway's archive.
 */
@Component
class DevImplementHandler implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(DevImplementHandler.class);

    private final DevWorkspaces workspaces;
    private final DevRun devRun;
    private final ArtifactStore artifacts;

    DevImplementHandler(DevWorkspaces workspaces, DevRun devRun, ArtifactStore artifacts) {
        this.workspaces = workspaces;
        this.devRun = devRun;
        this.artifacts = artifacts;
    }

    @Override
    public Set<String> types() {
        return Set.of(MessageTypes.DEV_IMPLEMENT);
    }

    @Override
    public HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
        JsonNode payload = envelope.payload();
        String repository = payload.path("repository").asString("");
        String baseCommit = payload.path("baseCommit").asString("HEAD");
        if (!Names.isRepository(repository)) {
            return HandlerResult.failed("repository must look like owner/name, got '" + repository + "'");
        }
        if (!Names.isCommit(baseCommit)) {
            return HandlerResult.failed("baseCommit must be a commit id, got '" + baseCommit + "'");
        }
        int iteration = envelope.iteration();
        PairTurn turn;
        try {
            turn = PairTurn.of(payload.path("pairRole").asString(""));
        } catch (IllegalArgumentException e) {
            return HandlerResult.failed(e.getMessage());
        }
        // A ping-pong session's first turn is known to be a test turn only once .fleet.yml is read:
        // a result stored under either key answers it.
        for (PairTurn stored : turn == PairTurn.SOLO && envelope.sessionId() != null
                ? List.of(PairTurn.SOLO, PairTurn.TESTS)
                : List.of(turn)) {
            Optional<byte[]> result = artifacts.get(stageKey(envelope, iteration, stored, "dev.json"));
            if (result.isPresent()) {
                log.info(
                        "Task {} iteration {}: developer result already stored, answering from it",
                        envelope.taskId(),
                        iteration);
                return HandlerResult.completed(EnvelopeCodec.mapper().readTree(result.get()));
            }
        }
        Optional<Previous> previous =
                iteration > 1 || turn == PairTurn.CODE ? previous(envelope, turn) : Optional.empty();
        if (iteration > 1 && previous.isEmpty()) {
            return HandlerResult.failed(
                    "iteration " + iteration + " needs the developer's patch and result of iteration " + (iteration - 1)
                            + " in the artifact store, and they are not there");
        }
        String base = previous.map(Previous::baseCommit).orElse(baseCommit);
        try (Workspace workspace = workspaces.clone(repository, base)) {
            TestCommand tests;
            List<String> allowedPaths;
            List<String> untestedPaths;
            Integer maxIters;
            String navigator;
            boolean pingPong;
            try {
                tests = devRun.testCommand(repository, workspace);
                allowedPaths = TestCommand.allowedPaths(workspace.dir());
                untestedPaths = TestCommand.untestedPaths(workspace.dir());
                maxIters = TestCommand.maxIters(workspace.dir());
                navigator = TestCommand.pairNavigator(workspace.dir());
                pingPong = envelope.sessionId() != null && TestCommand.pairPingPong(workspace.dir());
            } catch (IllegalArgumentException e) {
                return HandlerResult.completed(store(
                        stageKey(envelope, iteration, turn, "dev.json"),
                        DevOutput.needsHuman(repository, workspace, e.getMessage())));
            }
            if (pingPong && turn == PairTurn.SOLO) {
                turn = PairTurn.TESTS; // a ping-pong session starts with the first failing test
            } else if (!pingPong) {
                turn = PairTurn.SOLO;
            }
            String resultKey = stageKey(envelope, iteration, turn, "dev.json");
            String prefetchFailure = devRun.prefetch(workspace, tests);
            if (prefetchFailure != null) {
                // A limit of the sandbox, or no sandbox: asking again would end the same way.
                return HandlerResult.completed(
                        store(resultKey, DevOutput.needsHuman(repository, workspace, prefetchFailure)));
            }
            if (previous.isPresent()) {
                workspace.applyDiff(previous.get().patch());
            }
            // A pair navigator's suggested changes are applied or refused with the reason first.
            ArrayNode suggestions = envelope.sessionId() == null
                    ? EnvelopeCodec.mapper().createArrayNode()
                    : Suggestions.apply(payload.path("feedback"), new PathRules(workspace.dir(), allowedPaths));
            Brief brief = new Brief(
                    payload.path("issue").path("title").asString(""),
                    payload.path("issue").path("body").asString(""),
                    withSuggestions(Feedback.render(payload.path("feedback")), Suggestions.describe(suggestions)),
                    devRun.repositoryMap(workspace, issueText(payload)),
                    devRun.related(repository, workspace.baseCommit(), issueText(payload)),
                    previous.isEmpty(),
                    turn,
                    // Said by the orchestrator, which opened the refactoring; never read from the issue.
                    "refactor".equals(payload.path("kind").asString("")));
            LoopOutcome outcome =
                    devRun.run(envelope.taskId(), iteration, workspace, tests, allowedPaths, untestedPaths, brief);
            ObjectNode output = DevOutput.of(repository, workspace, outcome);
            if (!suggestions.isEmpty()) {
                output.set("suggestions", suggestions); // what became of the navigator's suggestions
            }
            if (maxIters != null) {
                output.put("maxIters", maxIters); // the repository's max-iters, for the orchestrator
            }
            if (navigator != null) {
                output.put("navigator", navigator); // who navigates the repository's pair sessions
            }
            if (pingPong) {
                output.put("pingPong", true);
                output.put("pairRole", turn == PairTurn.TESTS ? "tests" : "code");
            }
            if (outcome.status() == LoopOutcome.Status.TESTS_DONE) {
                // The iteration's proposal is the change as it stands: nothing added.
                workspaces.publish(envelope.taskId(), envelope.sessionId(), iteration, false, workspace, output);
            } else if (outcome.status() == LoopOutcome.Status.DONE) {
                String patchHash = workspace.diff().patchHash();
                Optional<Integer> same = turn == PairTurn.TESTS ? Optional.empty() : sameAsEarlier(envelope, patchHash);
                if (same.isPresent()) {
                    output.put("status", LoopOutcome.Status.NEEDS_HUMAN.name());
                    output.put(
                            "reason",
                            "the loop is not converging: this iteration's change is the same as iteration " + same.get()
                                    + "'s (patch " + patchHash.substring(0, 12) + ")");
                    output.put("patchHash", patchHash);
                } else {
                    workspaces.publish(
                            envelope.taskId(),
                            envelope.sessionId(),
                            iteration,
                            turn == PairTurn.TESTS,
                            workspace,
                            output);
                }
            }
            log.info(
                    "Task {} iteration {}: developer {} after {} turns ({} tokens){}",
                    envelope.taskId(),
                    iteration,
                    outcome.status(),
                    outcome.turns(),
                    outcome.promptTokens() + outcome.completionTokens(),
                    outcome.reason() == null
                            ? ""
                            : ": " + outcome.reason().lines().findFirst().orElse(""));
            return HandlerResult.completed(store(resultKey, output));
        }
    }

    /** The feedback for the model, with what became of the navigator's suggestions; null for none. */
    private static String withSuggestions(String feedback, String suggestions) {
        if (suggestions.isEmpty()) {
            return feedback;
        }
        return feedback == null || feedback.isBlank() ? suggestions : feedback + "\n" + suggestions;
    }

    private static String issueText(JsonNode payload) {
        return payload.path("issue").path("title").asString("") + "\n"
                + payload.path("issue").path("body").asString("") + "\n"
                + payload.path("feedback").toString();
    }

    private ObjectNode store(String key, ObjectNode output) throws java.io.IOException {
        artifacts.put(key, EnvelopeCodec.mapper().writeValueAsBytes(output), "application/json");
        return output;
    }

    /** The earlier iteration whose change had this hash, if any: the loop would go round again. */
    private Optional<Integer> sameAsEarlier(Envelope envelope, String patchHash) throws java.io.IOException {
        for (int earlier = envelope.iteration() - 1; earlier >= 1; earlier--) {
            Optional<byte[]> result =
                    artifacts.get(ArtifactKeys.task(envelope.taskId(), "iter_" + earlier, "dev.json"));
            if (result.isPresent()
                    && patchHash.equals(EnvelopeCodec.mapper()
                            .readTree(result.get())
                            .path("patchHash")
                            .asString(""))) {
                return Optional.of(earlier);
            }
        }
        return Optional.empty();
    }

    /** The previous iteration's patch and base, so this one builds on it. */
    private record Previous(String baseCommit, String patch) {}

    private Optional<Previous> previous(Envelope envelope, PairTurn turn) throws java.io.IOException {
        if (turn == PairTurn.CODE) {
            // The test turn of this iteration, when there was one (after a QA failure there is not).
            Optional<Previous> tests = stored(envelope, envelope.iteration(), PairTurn.TESTS);
            if (tests.isPresent()) {
                return tests;
            }
        }
        return envelope.iteration() > 1 ? stored(envelope, envelope.iteration() - 1, PairTurn.SOLO) : Optional.empty();
    }

    private Optional<Previous> stored(Envelope envelope, int iteration, PairTurn turn) throws java.io.IOException {
        Optional<byte[]> result = artifacts.get(stageKey(envelope, iteration, turn, "dev.json"));
        Optional<byte[]> patch = artifacts.get(stageKey(envelope, iteration, turn, "patch.diff"));
        if (result.isEmpty() || patch.isEmpty()) {
            return Optional.empty();
        }
        String base =
                EnvelopeCodec.mapper().readTree(result.get()).path("baseCommit").asString("");
        return Names.isCommit(base)
                ? Optional.of(new Previous(base, new String(patch.get(), StandardCharsets.UTF_8)))
                : Optional.empty();
    }

    /** Where an iteration's developer output goes: a ping-pong test turn's under {@code tests/}. */
    static String stageKey(Envelope envelope, int iteration, PairTurn turn, String file) {
        return turn == PairTurn.TESTS
                ? ArtifactKeys.task(envelope.taskId(), "iter_" + iteration, "tests", file)
                : ArtifactKeys.task(envelope.taskId(), "iter_" + iteration, file);
    }
}
