package dev.xpfleet.orchestrator.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Retrieval over a real repository (this project's own), offline, with real pgvector. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices(database = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContextIT {

    static final Path ROOT = tempRoot();
    static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void repositories(DynamicPropertyRegistry registry) {
        registry.add("fleet.context.repositories-root", ROOT::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    ContextIndexer indexer;

    @Autowired
    ContextSearch search;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    private ContextIndexer.Indexed self;

    /**
     * This project's own production sources (every {@code src/main/java} file of the checkout),
     * committed to a fresh repository and indexed. Only code: the docs describe the same concepts
     * in prose and, as the project grows, would outrank the class that implements one.
     */
    @BeforeAll
    void indexThisProject() throws Exception {
        Path project = projectGitDir().getParent();
        Path sources = ROOT.resolve("xp/fleet");
        try (var files = Files.walk(project)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String relative = project.relativize(file).toString().replace('\\', '/');
                if (Files.isRegularFile(file)
                        && relative.contains("src/main/java/")
                        && relative.endsWith(".java")
                        && !relative.startsWith(".")) {
                    Path copy = sources.resolve(relative);
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                }
            }
        }
        try (Git git = Git.init()
                .setDirectory(sources.toFile())
                .setInitialBranch("main")
                .call()) {
            git.add().addFilepattern(".").call();
            commit(git, "this project's sources");
        }
        self = indexer.index("xp/fleet", sources.resolve(".git"), "HEAD");
    }

    @Test
    void aQueryAboutAConceptFindsTheFileThatImplementsItInTheTopFive() {
        assertThat(self.files()).isGreaterThan(80);
        assertTopFive(
                "one replica holds an advisory lock and publishes outbox rows to Redis streams", "OutboxRelay.java");
        assertTopFive(
                "compare a delivery's signature header with every configured secret without leaking timing",
                "GitHubSignature.java");
        assertTopFive("reserve tokens before a model call and settle them to the real usage", "TokenBudgets.java");
    }

    @Test
    void reindexingANewCommitEmbedsOnlyTheFilesThatChangedAndACommitIsIndexedOnce() throws Exception {
        Path work = ROOT.resolve("acme/widgets");
        try (Git git = newRepository(work)) {
            Files.writeString(
                    work.resolve("Billing.java"), "class Billing { long totalInCents(long[] items) { return 0; } }\n");
            Files.writeString(
                    work.resolve("Shipping.java"),
                    "class Shipping { String carrierFor(String country) { return \"dhl\"; } }\n");
            Files.writeString(work.resolve("README.md"), "# Widgets\nSells widgets.\n");
            git.add().addFilepattern(".").call();
            RevCommit first = commit(git, "first");
            Files.writeString(
                    work.resolve("Shipping.java"),
                    "class Shipping { String carrierFor(String country) { return country.equals(\"NL\") ? \"postnl\" : \"dhl\"; } }\n");
            git.add().addFilepattern(".").call();
            RevCommit second = commit(git, "second");

            ContextIndexer.Indexed a = indexer.index("acme/widgets", work.resolve(".git"), first.getName());
            ContextIndexer.Indexed b = indexer.index("acme/widgets", work.resolve(".git"), second.getName());
            ContextIndexer.Indexed again = indexer.index("acme/widgets", work.resolve(".git"), second.getName());

            assertThat(a.embeddedFiles()).isEqualTo(3);
            assertThat(b.files()).isEqualTo(3);
            assertThat(b.embeddedFiles()).as("only Shipping.java changed").isEqualTo(1);
            assertThat(again).isEqualTo(b);
            assertThat(jdbc.sql("SELECT count(*) FROM code_chunks WHERE repository = 'acme/widgets' AND commit_id = :c")
                            .param("c", second.getName())
                            .query(Long.class)
                            .single())
                    .isEqualTo(b.chunks());
            assertThat(search.search("acme/widgets", second.getName(), "which carrier ships to the Netherlands", 1))
                    .singleElement()
                    .satisfies(hit -> assertThat(hit.content()).contains("postnl"));
        }
    }

    @Test
    void restIndexesFromTheRepositoriesRootAndSearchesWithScores() throws Exception {
        Path work = ROOT.resolve("acme/rest");
        String commitId;
        try (Git git = newRepository(work)) {
            Files.writeString(
                    work.resolve("Greeter.java"),
                    "class Greeter { String hello(String name) { return \"hi \" + name; } }\n");
            git.add().addFilepattern(".").call();
            commitId = commit(git, "one").getName();
        }

        HttpResponse<String> notYet = post(
                "/api/context/search",
                "{\"repository\":\"acme/rest\",\"commit\":\"" + commitId + "\",\"query\":\"greeting\",\"k\":3}");
        HttpResponse<String> indexed = post("/api/context/index", "{\"repository\":\"acme/rest\",\"commit\":\"main\"}");
        HttpResponse<String> escaped = post("/api/context/index", "{\"repository\":\"../etc\",\"commit\":\"main\"}");
        HttpResponse<String> found = post(
                "/api/context/search",
                "{\"repository\":\"acme/rest\",\"commit\":\"" + commitId
                        + "\",\"query\":\"greeting someone by name\",\"k\":3}");
        HttpResponse<String> vectors = post("/v1/embeddings", "{\"input\":[\"hello\",\"world\"],\"model\":\"x\"}");

        assertThat(notYet.statusCode()).isEqualTo(409);
        assertThat(notYet.body()).contains("not indexed");
        assertThat(indexed.statusCode()).as(indexed.body()).isEqualTo(200);
        assertThat(escaped.statusCode()).isEqualTo(400);
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        JsonNode hit = JSON.readTree(found.body()).path("hits").get(0);
        assertThat(hit.path("path").asString()).isEqualTo("Greeter.java");
        assertThat(hit.path("score").asDouble()).isBetween(0.0, 1.0);
        JsonNode data = JSON.readTree(vectors.body()).path("data");
        assertThat(data).hasSize(2);
        assertThat(data.get(0).path("embedding")).hasSize(LocalEmbeddings.DIMENSIONS);
    }

    @Test
    void whenTheModelFailsMidwayNothingIsStoredAndTheCommitCanBeIndexedAgain() throws Exception {
        Path work = ROOT.resolve("acme/big");
        String commitId;
        try (Git git = newRepository(work)) {
            for (int f = 0; f < 8; f++) {
                StringBuilder text = new StringBuilder();
                for (int line = 0; line < 120; line++) {
                    text.append("value")
                            .append(f)
                            .append('_')
                            .append(line)
                            .append(" = compute(")
                            .append(line)
                            .append(", \"step ")
                            .append(line)
                            .append("\")\n");
                }
                Files.writeString(work.resolve("module" + f + ".py"), text.toString());
            }
            git.add().addFilepattern(".").call();
            commitId = commit(git, "big").getName();
        }
        AtomicInteger windows = new AtomicInteger();
        try (LocalEmbeddings dying = new LocalEmbeddings() {
            @Override
            public CompletableFuture<List<float[]>> embedAsync(List<String> texts) {
                return windows.incrementAndGet() == 2
                        ? CompletableFuture.failedFuture(new IllegalStateException("the model died"))
                        : super.embedAsync(texts);
            }
        }) {
            ContextIndexer failing = new ContextIndexer(jdbc, dying);
            assertThatThrownBy(() -> transactions.execute(s -> {
                        try {
                            return failing.index("acme/big", work.resolve(".git"), commitId);
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }))
                    .hasMessageContaining("the model died");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM code_chunks WHERE repository = 'acme/big'")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM indexed_commits WHERE repository = 'acme/big'")
                        .query(Long.class)
                        .single())
                .isZero();

        ContextIndexer.Indexed indexed = indexer.index("acme/big", work.resolve(".git"), commitId);

        assertThat(windows.get()).as("the first index had more than one window").isGreaterThanOrEqualTo(2);
        assertThat(indexed.chunks()).isGreaterThan(64);
        assertThat(jdbc.sql("SELECT count(*) FROM code_chunks WHERE repository = 'acme/big'")
                        .query(Long.class)
                        .single())
                .isEqualTo(indexed.chunks());
    }

    private void assertTopFive(String query, String file) {
        List<ContextSearch.Hit> hits = search.search("xp/fleet", self.commit(), query, 5);
        assertThat(hits)
                .as(query)
                .extracting(ContextSearch.Hit::path)
                .anySatisfy(path -> assertThat(path).endsWith(file));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static Git newRepository(Path work) throws Exception {
        Files.createDirectories(work);
        return Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
    }

    private static RevCommit commit(Git git, String message) throws Exception {
        return git.commit()
                .setMessage(message)
                .setAuthor("test", "test@example.com")
                .setCommitter("test", "test@example.com")
                .setSign(false)
                .call();
    }

    /** This checkout's git directory (tests run from the module directory). */
    private static Path projectGitDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".git"))) {
                return dir.resolve(".git");
            }
        }
        throw new IllegalStateException("not inside a git checkout; retrieval is tested on this project's own history");
    }

    private static Path tempRoot() {
        try {
            return Files.createTempDirectory("repositories");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
