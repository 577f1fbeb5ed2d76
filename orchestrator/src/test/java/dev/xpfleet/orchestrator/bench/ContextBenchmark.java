package dev.xpfleet.orchestrator.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.orchestrator.context.ContextIndexer;
import dev.xpfleet.orchestrator.context.ContextSearch;
import dev.xpfleet.orchestrator.context.LocalEmbeddings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retrieval: indexing rate on this project's own repository, next to the embedding model alone on
 * the same texts; then top-10 query latency over 100,000 chunks, next to the model embedding the
 * query alone and the bare SQL. Run by {@code deploy/local/fleet bench context}.
 */
public final class ContextBenchmark {

    private static final int CHUNKS = Integer.getInteger("bench.chunks", 100_000);
    private static final int QUERIES = Integer.getInteger("bench.queries", 200);

    private static final List<String> QUERY_TEXTS = List.of(
            "publish outbox rows to redis streams",
            "verify webhook signature",
            "reserve tokens before a model call",
            "retry with backoff after a failure",
            "move a task to the next state",
            "parse a stream entry into an envelope",
            "archive an artifact in S3",
            "start a service and wait until it is ready",
            "split source files into chunks",
            "dead letter a poison message");

    private ContextBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path gitDir = Path.of(System.getProperty("bench.git-dir", ".git")).toAbsolutePath();
        if (!Files.isDirectory(gitDir)) {
            throw new IllegalStateException("no git directory at " + gitDir + " (set -Dbench.git-dir)");
        }
        try (IsolatedServices services = IsolatedServices.create("bench-context", true);
                HikariDataSource db = BenchDatabase.migrated(services)) {
            JdbcClient jdbc = JdbcClient.create(db);
            TransactionTemplate tx = new TransactionTemplate(new JdbcTransactionManager(db));
            LocalEmbeddings embeddings = new LocalEmbeddings();
            embeddings.embed("warm up the model");

            ContextIndexer indexer = new ContextIndexer(jdbc, embeddings);
            ContextIndexer.Indexed indexed = tx.execute(s -> {
                try {
                    return indexer.index("xp/fleet", gitDir, "HEAD");
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            double indexRate = indexed.chunks() / (indexed.tookMs() / 1000.0);
            List<String> texts = jdbc.sql(
                            "SELECT path || chr(10) || content FROM code_chunks WHERE repository = 'xp/fleet'")
                    .query(String.class)
                    .list();
            long start = System.nanoTime();
            embeddings.embed(texts);
            double modelRate = texts.size() / ((System.nanoTime() - start) / 1e9);
            long tokens = texts.stream()
                    .mapToLong(t -> Math.min(embeddings.tokens(t) + 2, LocalEmbeddings.MAX_TOKENS))
                    .sum();
            long lines = jdbc.sql(
                            "SELECT sum(end_line - start_line + 1) FROM code_chunks WHERE repository = 'xp/fleet'")
                    .query(Long.class)
                    .single();
            System.out.printf("machine: %d cores%n", Runtime.getRuntime().availableProcessors());
            System.out.printf(
                    "indexing %s at %s: %d files, %d chunks in %d ms = %.0f chunks/s; model alone on the same texts"
                            + " %.0f chunks/s (indexing = %.2f x model)%n",
                    indexed.repository(),
                    indexed.commit().substring(0, 12),
                    indexed.files(),
                    indexed.chunks(),
                    indexed.tookMs(),
                    indexRate,
                    modelRate,
                    indexRate / modelRate);
            System.out.printf(
                    "chunks: %.1f lines and %.0f word pieces each on average (the model reads at most %d);"
                            + " indexing = %.0f word pieces/s%n",
                    (double) lines / texts.size(),
                    (double) tokens / texts.size(),
                    LocalEmbeddings.MAX_TOKENS,
                    tokens / (indexed.tookMs() / 1000.0));

            long fillStart = System.nanoTime();
            int copies = (int) Math.ceil((double) CHUNKS / indexed.chunks());
            jdbc.sql("""
                            INSERT INTO code_chunks (repository, commit_id, path, blob_id, start_line, end_line, content, embedding)
                            SELECT 'bench/big', 'c100k', c.path, c.blob_id, c.start_line, c.end_line, c.content,
                                   (SELECT array_agg(e + (random() - 0.5) * 0.04 ORDER BY i)
                                      FROM unnest(c.embedding::real[]) WITH ORDINALITY AS u(e, i))::vector
                              FROM code_chunks c, generate_series(1, :copies) g
                             WHERE c.repository = 'xp/fleet'
                             LIMIT :n
                            """).param("copies", copies).param("n", CHUNKS).update();
            jdbc.sql("INSERT INTO indexed_commits VALUES ('bench/big', 'c100k', 0, :n, 0, 0)")
                    .param("n", CHUNKS)
                    .update();
            System.out.printf(
                    "filled %d chunks (perturbed copies of the real ones) into the HNSW index in %.0f s%n",
                    CHUNKS, (System.nanoTime() - fillStart) / 1e9);

            ContextSearch search = new ContextSearch(jdbc, embeddings);
            long[] endToEnd = new long[QUERIES];
            long[] modelOnly = new long[QUERIES];
            long[] sqlOnly = new long[QUERIES];
            List<String> vectors = new ArrayList<>();
            for (String q : QUERY_TEXTS) {
                vectors.add(Arrays.toString(embeddings.embed(q)).replace(" ", ""));
            }
            for (int i = 0; i < 20; i++) { // warm-up: JIT and PostgreSQL's buffer cache, not counted
                String text = QUERY_TEXTS.get(i % QUERY_TEXTS.size()) + " warm-up " + i;
                tx.execute(s -> search.search("bench/big", "c100k", text, 10));
            }
            for (int i = 0; i < QUERIES; i++) {
                String text = QUERY_TEXTS.get(i % QUERY_TEXTS.size()) + " " + i;
                long t0 = System.nanoTime();
                tx.execute(s -> search.search("bench/big", "c100k", text, 10));
                endToEnd[i] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                embeddings.embed(text);
                modelOnly[i] = System.nanoTime() - t0;
                String vector = vectors.get(i % vectors.size());
                t0 = System.nanoTime();
                tx.execute(s -> {
                    jdbc.sql("SET LOCAL jit = off").update();
                    jdbc.sql("SET LOCAL enable_sort = off").update();
                    jdbc.sql("SET LOCAL hnsw.iterative_scan = strict_order").update();
                    jdbc.sql("SET LOCAL hnsw.ef_search = 40").update();
                    return jdbc.sql("""
                                    SELECT path FROM code_chunks WHERE repository = 'bench/big' AND commit_id = 'c100k'
                                     ORDER BY embedding <=> CAST(:q AS vector) LIMIT 10
                                    """).param("q", vector).query(String.class).list();
                });
                sqlOnly[i] = System.nanoTime() - t0;
            }
            Arrays.sort(endToEnd);
            Arrays.sort(modelOnly);
            Arrays.sort(sqlOnly);
            System.out.printf(
                    "top-10 over %d chunks, %d queries: search() p50 %.1f ms, p99 %.1f ms; of which embedding the query"
                            + " p50 %.1f ms, p99 %.1f ms; HNSW SQL alone p50 %.1f ms, p99 %.1f ms%n",
                    CHUNKS,
                    QUERIES,
                    Stats.ms(Stats.quantile(endToEnd, 0.5)),
                    Stats.ms(Stats.quantile(endToEnd, 0.99)),
                    Stats.ms(Stats.quantile(modelOnly, 0.5)),
                    Stats.ms(Stats.quantile(modelOnly, 0.99)),
                    Stats.ms(Stats.quantile(sqlOnly, 0.5)),
                    Stats.ms(Stats.quantile(sqlOnly, 0.99)));
        }
        System.exit(0);
    }
}
