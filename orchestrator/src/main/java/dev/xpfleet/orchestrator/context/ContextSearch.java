package dev.xpfleet.orchestrator.context;

import dev.xpfleet.orchestrator.support.UnavailableException;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The chunks of an indexed commit nearest to a query, by cosine similarity of their embeddings. */
@Service
public class ContextSearch {

    /** Commits up to this many chunks are ranked exactly; bigger ones through the HNSW index. */
    static final long EXACT_UP_TO = 20_000;

    private final JdbcClient jdbc;
    private final LocalEmbeddings embeddings;

    public ContextSearch(JdbcClient jdbc, LocalEmbeddings embeddings) {
        this.jdbc = jdbc;
        this.embeddings = embeddings;
    }

    public record Hit(String path, int startLine, int endLine, double score, String content) {}

    /** @throws UnavailableException when the commit was not indexed */
    @Transactional(readOnly = true)
    public List<Hit> search(String repository, String commit, String query, int k) {
        if (k < 1 || k > 100) {
            throw new IllegalArgumentException("k must be between 1 and 100");
        }
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("query must not be blank");
        }
        Long chunks = jdbc.sql("SELECT chunks FROM indexed_commits WHERE repository = :r AND commit_id = :c")
                .param("r", repository)
                .param("c", commit)
                .query(Long.class)
                .optional()
                .orElseThrow(() ->
                        new UnavailableException(repository + " at " + commit + " is not indexed; index it first"));
        // The planner's cost for a vector scan passes jit_above_cost; compiling the query (~13 ms)
        // would cost more than running it (~5 ms on 100,000 chunks).
        jdbc.sql("SET LOCAL jit = off").update();
        if (chunks > EXACT_UP_TO) {
            // A big commit: walk the HNSW index (the planner would rather sort the commit's rows, which
            // is exact but reads them all), and let the walk go on until k rows pass the filter.
            jdbc.sql("SET LOCAL enable_sort = off").update();
            jdbc.sql("SET LOCAL hnsw.iterative_scan = strict_order").update();
            jdbc.sql("SET LOCAL hnsw.ef_search = 40").update();
        }
        // Otherwise: the commit's rows by their btree index, ranked exactly; fast at this size.
        return jdbc.sql("""
                        SELECT path, start_line, end_line, content, 1 - (embedding <=> CAST(:q AS vector)) AS score
                          FROM code_chunks
                         WHERE repository = :r AND commit_id = :c
                         ORDER BY embedding <=> CAST(:q AS vector)
                         LIMIT :k
                        """)
                .param("q", LocalEmbeddings.literal(embeddings.embed(query)))
                .param("r", repository)
                .param("c", commit)
                .param("k", k)
                .query((rs, i) -> new Hit(
                        rs.getString("path"),
                        rs.getInt("start_line"),
                        rs.getInt("end_line"),
                        rs.getDouble("score"),
                        rs.getString("content")))
                .list();
    }
}
