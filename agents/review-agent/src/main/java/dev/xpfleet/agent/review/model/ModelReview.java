package dev.xpfleet.agent.review.model;

import dev.xpfleet.agent.review.findings.Finding;
import dev.xpfleet.agent.review.findings.Fingerprints;
import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.model.ModelGatewayClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The model's review of a change that met the policy: asked once, and once more with the errors when
 * its answer cannot be used; a second unusable answer ends the review as malformed (a person looks).
 */
public final class ModelReview {

    private static final int MAX_CODE_CHARS = 300;

    /**
     * @param findings what the model raised, fingerprinted, statuses not yet set
     * @param malformed why the last answer could not be used, or null
     */
    public record Outcome(
            String summary,
            List<Finding> findings,
            String malformed,
            long promptTokens,
            long completionTokens,
            List<String> callIds,
            int repeatedCalls) {}

    private final ReviewModel model;
    private final int maxAttempts;
    private final int maxAnswerTokens;

    public ModelReview(ReviewModel model, int maxAttempts, int maxAnswerTokens) {
        this.model = model;
        this.maxAttempts = maxAttempts;
        this.maxAnswerTokens = maxAnswerTokens;
    }

    public Outcome review(
            String issueTitle, String issueBody, String qaSummary, String diff, ChangeSet change, Path workspace)
            throws IOException {
        List<ModelGatewayClient.Message> messages =
                new ArrayList<>(ReviewPrompt.messages(issueTitle, issueBody, qaSummary, diff, change, workspace));
        long prompt = 0;
        long completion = 0;
        int repeated = 0;
        List<String> calls = new ArrayList<>();
        List<String> errors = List.of();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            ReviewModel.Answer answer = model.ask(List.copyOf(messages), attempt, maxAnswerTokens);
            prompt += answer.promptTokens();
            completion += answer.completionTokens();
            repeated += answer.repeated() ? 1 : 0;
            if (answer.callId() != null) {
                calls.add(answer.callId());
            }
            AnswerCheck.Checked checked = AnswerCheck.check(answer.text(), change);
            if (checked.errors().isEmpty()) {
                List<Finding> findings = new ArrayList<>();
                for (AnswerCheck.RawFinding raw : checked.findings()) {
                    findings.add(finding(raw, workspace));
                }
                return new Outcome(
                        checked.summary(),
                        List.copyOf(findings),
                        null,
                        prompt,
                        completion,
                        List.copyOf(calls),
                        repeated);
            }
            errors = checked.errors();
            messages.add(ModelGatewayClient.Message.assistant(answer.text() == null ? "" : answer.text()));
            messages.add(ReviewPrompt.retry(errors));
        }
        return new Outcome(
                null,
                List.of(),
                "the reviewer's model answered " + maxAttempts + " time(s) without a usable review: "
                        + String.join("; ", errors),
                prompt,
                completion,
                List.copyOf(calls),
                repeated);
    }

    private static Finding finding(AnswerCheck.RawFinding raw, Path workspace) throws IOException {
        String code = codeAt(workspace, raw.file(), raw.line());
        return new Finding(
                Fingerprints.fingerprint(raw.file(), raw.category(), code, raw.explanation()),
                raw.file(),
                raw.line(),
                code,
                raw.severity(),
                raw.category(),
                raw.explanation(),
                raw.suggestion(),
                null,
                Finding.Status.NEW,
                0,
                0);
    }

    private static String codeAt(Path workspace, String path, int line) throws IOException {
        Path file = workspace.resolve(path).normalize();
        if (!file.startsWith(workspace) || !Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return "";
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            return "";
        }
        String code = line <= lines.size() ? lines.get(line - 1).strip() : "";
        return code.length() > MAX_CODE_CHARS ? code.substring(0, MAX_CODE_CHARS) : code;
    }
}
