package dev.xpfleet.orchestrator.context;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The chunks of an indexed commit nearest to a query, by cosine similarity of their embeddings. */
@Service
public class ContextSearch {

    private final JdbcClient jdbc;
    private final LocalEmbeddings embeddings;

    public ContextSearch(JdbcClient jdbc, LocalEmbeddings embeddings) {
        this.jdbc = jdbc;
        this.embeddings = embeddings;
    }

    public record Hit(String path, int startLine, int endLine, double score, String content) {}

    /** @throws IllegalStateException when the commit was not indexed */
    @Transactional(readOnly = true)
    public List<Hit> search(String repository, String commit, String query, int k) {
        if (k < 1 || k > 100) {
            throw new IllegalArgumentException("k must be between 1 and 100");
        }
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("query must not be blank");
        }
        boolean indexed = jdbc.sql("SELECT count(*) FROM indexed_commits WHERE repository = :r AND commit_id = :c")
                        .param("r", repository)
                        .param("c", commit)
                        .query(Long.class)
                        .single()
                > 0;
        if (!indexed) {
            throw new IllegalStateException(repository + " at " + commit + " is not indexed; index it first");
        }
        // The HNSW index holds every repository and commit; let the scan go on until k rows pass the filter.
        jdbc.sql("SET LOCAL hnsw.iterative_scan = strict_order").update();
        jdbc.sql("SET LOCAL hnsw.ef_search = 100").update();
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
