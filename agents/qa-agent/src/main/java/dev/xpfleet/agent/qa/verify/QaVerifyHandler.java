package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.common.artifact.ArtifactKeys;
import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.consumer.HandlerContext;
import dev.xpfleet.common.consumer.HandlerResult;
import dev.xpfleet.common.consumer.MessageHandler;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.workspace.CloneCredentials;
import dev.xpfleet.common.workspace.Names;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceException;
import dev.xpfleet.common.workspace.Workspaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code qa.verify}: the developer's patch (an artifact of the task) checked on a fresh clone of the
 * repository at the patch's base commit. The report goes to {@code tasks/<id>/qa/iter_<n>.json};
 * the result carries the verdict, its reasons, test counts and coverage. Idempotent: a redelivered
 * message whose report is already stored for the same patch answers from it without running again.
 */
@Component
class QaVerifyHandler implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(QaVerifyHandler.class);
    private static final int MAX_PATCH_BYTES = 5 * 1024 * 1024;

    private final QaVerifier verifier;
    private final ArtifactStore artifacts;
    private final QaProperties props;
    private final Semaphore runs;

    QaVerifyHandler(QaVerifier verifier, ArtifactStore artifacts, QaProperties props) {
        this.verifier = verifier;
        this.artifacts = artifacts;
        this.props = props;
        this.runs = new Semaphore(Math.max(1, props.parallelRuns()), true);
    }

    @Override
    public Set<String> types() {
        return Set.of(MessageTypes.QA_VERIFY);
    }

    @Override
    public HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
        JsonNode payload = envelope.payload();
        String repository = payload.path("repository").asString("");
        JsonNode dev = payload.path("previous");
        String patchKey = dev.path("patch").asString("");
        String baseCommit = dev.path("baseCommit").asString("HEAD");
        if (!Names.isRepository(repository)) {
            return HandlerResult.failed("repository must look like owner/name, got '" + repository + "'");
        }
        if (!patchKey.startsWith(ArtifactKeys.task(envelope.taskId()) + "/")) {
            return HandlerResult.failed("the developer's result names no patch of this task (got '" + patchKey + "')");
        }
        if (!Names.isCommit(baseCommit)) {
            return HandlerResult.failed("baseCommit must be a commit id, got '" + baseCommit + "'");
        }
        if (props.orchestratorUrl() == null
                && (props.cloneUrl() == null || !props.cloneUrl().contains("{repository}"))) {
            return HandlerResult.failed(
                    "the QA agent has neither fleet.qa.orchestrator-url nor a fleet.qa.clone-url with {repository}");
        }
        Optional<byte[]> patch = artifacts.get(ArtifactKeys.validate(patchKey));
        if (patch.isEmpty()) {
            return HandlerResult.failed("patch " + patchKey + " is missing from the artifact store");
        }
        if (patch.get().length > MAX_PATCH_BYTES) {
            return HandlerResult.failed("patch " + patchKey + " is larger than 5 MB");
        }
        String diff = new String(patch.get(), StandardCharsets.UTF_8);
        String patchHash = Workspace.hashOf(diff);
        String reportKey = ArtifactKeys.task(envelope.taskId(), "qa", "iter_" + envelope.iteration() + ".json");

        Optional<QaReport> stored = storedReport(reportKey, patchHash);
        if (stored.isPresent()) {
            log.info("Task {}: QA report for this patch already stored, answering from it", envelope.taskId());
            return HandlerResult.completed(output(stored.get(), reportKey));
        }
        runs.acquire();
        try (Workspace workspace = clone(repository, baseCommit)) {
            Path cache = props.workRoot()
                    .resolve("cache")
                    .resolve(repository) // owner/name: one directory per repository, never shared
                    .toAbsolutePath();
            // Said by the orchestrator, which opened the refactoring; never read from the issue.
            boolean refactoring = "refactor".equals(payload.path("kind").asString(""));
            QaReport report = verifier.verify(workspace, repository, diff, patchHash, cache, refactoring);
            artifacts.put(reportKey, EnvelopeCodec.mapper().writeValueAsBytes(report), "application/json");
            log.info(
                    "Task {} iteration {}: QA {} ({} reasons)",
                    envelope.taskId(),
                    envelope.iteration(),
                    report.verdict(),
                    report.reasons().size());
            return HandlerResult.completed(output(report, reportKey));
        } catch (BadBase e) {
            return HandlerResult.failed(e.getMessage());
        } finally {
            runs.release();
        }
    }

    private Workspace clone(String repository, String commit) throws WorkspaceException, BadBase {
        CloneCredentials.Source source = props.orchestratorUrl() != null
                ? new CloneCredentials(props.orchestratorUrl(), props.orchestratorToken(), Duration.ofSeconds(30))
                        .forRepository(repository)
                : new CloneCredentials.Source(props.cloneUrl().replace("{repository}", repository), null);
        Workspaces workspaces =
                new Workspaces(props.workRoot().resolve("workspaces").toAbsolutePath());
        try {
            return workspaces.cloneAt(source.url(), commit, source.credentials());
        } catch (WorkspaceException e) {
            if (e.getMessage() != null && e.getMessage().contains("is not in")) {
                throw new BadBase("base commit " + commit + " is not in " + repository);
            }
            throw e; // unreachable forge: retried
        }
    }

    private Optional<QaReport> storedReport(String key, String patchHash) throws java.io.IOException {
        Optional<byte[]> bytes = artifacts.get(key);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        QaReport report = EnvelopeCodec.mapper().readValue(bytes.get(), QaReport.class);
        return patchHash.equals(report.patchHash()) ? Optional.of(report) : Optional.empty();
    }

    /** What the orchestrator keeps: verdict, reasons, counts, coverage in percent, and where the report is. */
    static ObjectNode output(QaReport report, String reportKey) {
        ObjectNode out = EnvelopeCodec.mapper().createObjectNode();
        out.put("verdict", report.verdict());
        var reasons = out.putArray("reasons");
        report.reasons().forEach(reasons::add);
        out.put("report", reportKey);
        out.put("patchHash", report.patchHash());
        out.set("tests", EnvelopeCodec.mapper().valueToTree(report.tests()));
        // By id, so the orchestrator can tell the same tests failing twice (the loop not converging).
        var failing = out.putArray("failing");
        if (report.failing() != null) {
            report.failing().stream().limit(50).forEach(t -> failing.add(t.id()));
        }
        if (report.tdd() != null) {
            out.put("failToPass", report.tdd().failToPass().size());
            // New tests that pass without the production change: a refactoring's pinning tests.
            out.put("alreadyPassing", report.tdd().alreadyPassing().size());
        }
        if (report.coverage() != null) {
            if (report.coverage().total() != null) {
                out.put("coverage", percent(report.coverage().total()));
            }
            if (report.coverage().baseTotal() != null) {
                out.put("baseCoverage", percent(report.coverage().baseTotal()));
            }
            out.put("changedLinesCoverage", percent(report.coverage().changedLines()));
        }
        out.put("findings", report.findings().size());
        return out;
    }

    private static java.math.BigDecimal percent(double ratio) {
        return java.math.BigDecimal.valueOf(ratio * 100).setScale(2, java.math.RoundingMode.HALF_UP);
    }

    private static final class BadBase extends Exception {
        BadBase(String message) {
            super(message);
        }
    }
}
