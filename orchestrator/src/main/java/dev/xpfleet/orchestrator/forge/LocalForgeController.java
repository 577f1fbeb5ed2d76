package dev.xpfleet.orchestrator.forge;

import dev.xpfleet.orchestrator.auth.ApiTokens;
import dev.xpfleet.orchestrator.webhook.LocalIssueEvents;
import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** REST for the local forge: repositories, issues (which start work), pull requests. */
@RestController
@RequestMapping("/api/forge/local/repositories")
@ConditionalOnProperty("fleet.forge.local-root")
class LocalForgeController {

    private final LocalForge forge;
    private final LocalIssueEvents issues;

    LocalForgeController(LocalForge forge, LocalIssueEvents issues) {
        this.forge = forge;
        this.issues = issues;
    }

    record NewRepository(String repository, String importFrom) {}

    record NewIssue(String title, String body, List<String> labels) {}

    @Operation(summary = "Create an empty repository, or import one from a path or URL git can clone (operator)")
    @PostMapping
    ResponseEntity<Forge.RepositoryInfo> create(@RequestBody NewRepository request) {
        if (request.repository() == null) {
            throw new IllegalArgumentException("repository is required (owner/name)");
        }
        Forge.RepositoryInfo info = request.importFrom() == null
                ? forge.createRepository(request.repository())
                : forge.importRepository(request.repository(), request.importFrom());
        return ResponseEntity.status(HttpStatus.CREATED).body(info);
    }

    @Operation(summary = "Open an issue; with the trigger label it starts work as a GitHub webhook would (operator)")
    @PostMapping("/{owner}/{name}/issues")
    ResponseEntity<Map<String, Object>> openIssue(
            @AuthenticationPrincipal ApiTokens.Caller caller,
            @PathVariable String owner,
            @PathVariable String name,
            @RequestBody NewIssue request) {
        String repository = owner + "/" + name;
        List<String> labels = request.labels() == null ? List.of() : request.labels();
        Forge.Issue issue = forge.openIssue(repository, request.title(), request.body(), caller.name(), labels);
        LocalIssueEvents.Outcome outcome =
                issues.opened(repository, issue.number(), issue.title(), issue.body(), caller.name(), labels);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("issue", issue);
        answer.put("outcome", outcome.outcome());
        answer.put("task", outcome.taskId());
        answer.put("detail", outcome.detail());
        return ResponseEntity.status(HttpStatus.CREATED).body(answer);
    }

    @Operation(summary = "Pull requests of a repository, without their diffs (viewer)")
    @GetMapping("/{owner}/{name}/pulls")
    List<Map<String, Object>> pulls(@PathVariable String owner, @PathVariable String name) {
        return forge.pullRequests(owner + "/" + name).stream()
                .map(pr -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("number", pr.number());
                    row.put("title", pr.title());
                    row.put("state", pr.state());
                    row.put("headBranch", pr.headBranch());
                    row.put("baseBranch", pr.baseBranch());
                    row.put("headCommit", pr.headCommit());
                    row.put("mergeCommit", pr.mergeCommit());
                    return row;
                })
                .toList();
    }

    @Operation(summary = "One pull request with its diff and status (viewer)")
    @GetMapping("/{owner}/{name}/pulls/{number}")
    Forge.PullRequest pull(@PathVariable String owner, @PathVariable String name, @PathVariable int number) {
        return forge.pullRequest(owner + "/" + name, number);
    }

    @Operation(summary = "The reviews of a pull request with their line comments, oldest first (viewer)")
    @GetMapping("/{owner}/{name}/pulls/{number}/reviews")
    List<Forge.Review> reviews(@PathVariable String owner, @PathVariable String name, @PathVariable int number) {
        forge.pullRequest(owner + "/" + name, number); // 404 for a pull request that is not there
        return forge.reviews(owner + "/" + name, number);
    }

    @ExceptionHandler(ForgeException.class)
    ProblemDetail refused(ForgeException e) {
        HttpStatus status = e.getMessage().startsWith("no ") ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT;
        return ProblemDetail.forStatusAndDetail(status, e.getMessage());
    }
}
