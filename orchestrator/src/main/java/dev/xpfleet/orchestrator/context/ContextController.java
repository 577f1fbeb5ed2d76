package dev.xpfleet.orchestrator.context;

import dev.xpfleet.common.workspace.Names;
import dev.xpfleet.orchestrator.support.UnavailableException;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@EnableConfigurationProperties(ContextProperties.class)
class ContextController {

    private final ContextSearch search;
    private final ContextIndexer indexer;
    private final ContextProperties props;

    ContextController(ContextSearch search, ContextIndexer indexer, ContextProperties props) {
        this.search = search;
        this.indexer = indexer;
        this.props = props;
    }

    record SearchRequest(String repository, String commit, String query, Integer k) {}

    record IndexRequest(String repository, String commit) {}

    @Operation(summary = "Nearest chunks of an indexed repository commit to a query, with scores (viewer)")
    @PostMapping("/api/context/search")
    Map<String, Object> search(@RequestBody SearchRequest request) {
        if (request.repository() == null || request.commit() == null) {
            throw new IllegalArgumentException("repository and commit are required");
        }
        List<ContextSearch.Hit> hits = search.search(
                request.repository(), request.commit(), request.query(), request.k() == null ? 10 : request.k());
        return Map.of("model", LocalEmbeddings.MODEL, "hits", hits);
    }

    @Operation(
            summary = "Index a repository at a commit from fleet.context.repositories-root (agent: the developer"
                    + " asks for the commit it works on; unchanged files reuse their chunks)")
    @PostMapping("/api/context/index")
    ContextIndexer.Indexed index(@RequestBody IndexRequest request) throws IOException {
        if (props.repositoriesRoot() == null) {
            throw new UnavailableException("indexing by REST is off: set fleet.context.repositories-root");
        }
        if (request.repository() == null
                || !Names.isRepository(request.repository())
                || request.repository().contains("..")) {
            throw new IllegalArgumentException("repository must look like owner/name");
        }
        if (request.commit() == null || request.commit().isBlank()) {
            throw new IllegalArgumentException("commit is required");
        }
        Path root = props.repositoriesRoot().toAbsolutePath().normalize();
        Path bare = root.resolve(request.repository() + ".git").normalize();
        Path work = root.resolve(request.repository()).resolve(".git").normalize();
        Path gitDir = Files.isDirectory(bare) ? bare : work;
        if (!gitDir.startsWith(root) || !Files.isDirectory(gitDir)) {
            throw new IllegalArgumentException("no repository " + request.repository() + " under " + root);
        }
        return indexer.index(request.repository(), gitDir, request.commit());
    }

    @ExceptionHandler(ModelUnavailableException.class)
    ProblemDetail modelUnavailable(ModelUnavailableException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }

    @ExceptionHandler(UnavailableException.class)
    ProblemDetail notReady(UnavailableException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }
}
