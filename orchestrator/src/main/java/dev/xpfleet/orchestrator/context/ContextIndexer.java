package dev.xpfleet.orchestrator.context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Indexes a repository at a commit, read straight from its git objects (no checkout). Files whose
 * blob was indexed before for this repository reuse those chunks; only new or changed files are
 * embedded. One commit is indexed once, whichever replica gets there first.
 */
@Service
public class ContextIndexer {

    private static final Logger log = LoggerFactory.getLogger(ContextIndexer.class);

    private final JdbcClient jdbc;
    private final LocalEmbeddings embeddings;

    public ContextIndexer(JdbcClient jdbc, LocalEmbeddings embeddings) {
        this.jdbc = jdbc;
        this.embeddings = embeddings;
    }

    /** What indexing a commit did. */
    public record Indexed(String repository, String commit, int files, int chunks, int embeddedFiles, long tookMs) {}

    /**
     * @param gitDir a bare repository or a working tree's {@code .git}
     * @param revision a commit id, branch or tag; the index is kept under the resolved commit id
     */
    @Transactional
    public Indexed index(String repository, Path gitDir, String revision) throws IOException {
        long start = System.nanoTime();
        try (Repository repo = new FileRepositoryBuilder()
                        .setGitDir(gitDir.toFile())
                        .setMustExist(true)
                        .build();
                RevWalk walk = new RevWalk(repo)) {
            ObjectId id = repo.resolve(revision + "^{commit}");
            if (id == null) {
                throw new IllegalArgumentException("no commit '" + revision + "' in " + repository);
            }
            RevCommit commit = walk.parseCommit(id);
            String commitId = commit.getName();
            jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
                    .param("key", repository + "@" + commitId)
                    .query()
                    .singleRow();
            var existing = jdbc.sql("""
                            SELECT repository, commit_id, files, chunks, embedded_files, took_ms FROM indexed_commits
                             WHERE repository = :r AND commit_id = :c
                            """)
                    .param("r", repository)
                    .param("c", commitId)
                    .query((rs, i) -> new Indexed(
                            rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getLong(6)))
                    .optional();
            if (existing.isPresent()) {
                return existing.get();
            }
            int files = 0;
            int chunks = 0;
            int embedded = 0;
            Pipeline pipeline = new Pipeline(repository, commitId);
            try (TreeWalk tree = new TreeWalk(repo)) {
                tree.addTree(commit.getTree());
                tree.setRecursive(true);
                while (tree.next()) {
                    String path = tree.getPathString();
                    ObjectId blob = tree.getObjectId(0);
                    ObjectLoader loader = repo.open(blob);
                    if (!Chunker.wanted(path, loader.getSize())) {
                        continue;
                    }
                    int reused = reuse(repository, commitId, path, blob.getName());
                    if (reused >= 0) {
                        files++;
                        chunks += reused;
                        continue;
                    }
                    byte[] content = loader.getBytes();
                    if (!Chunker.isText(content)) {
                        continue;
                    }
                    files++;
                    embedded++;
                    chunks += pipeline.add(path, blob.getName(), new String(content, StandardCharsets.UTF_8));
                }
                pipeline.finish();
            } finally {
                pipeline.abandon();
            }
            long took = (System.nanoTime() - start) / 1_000_000;
            jdbc.sql("""
                            INSERT INTO indexed_commits (repository, commit_id, files, chunks, embedded_files, took_ms)
                            VALUES (:r, :c, :files, :chunks, :embedded, :took)
                            """)
                    .param("r", repository)
                    .param("c", commitId)
                    .param("files", files)
                    .param("chunks", chunks)
                    .param("embedded", embedded)
                    .param("took", took)
                    .update();
            log.info(
                    "Indexed {} at {}: {} files, {} chunks, {} files embedded, {} ms",
                    repository,
                    commitId,
                    files,
                    chunks,
                    embedded,
                    took);
            return new Indexed(repository, commitId, files, chunks, embedded, took);
        }
    }

    /** Copies this blob's chunks from an earlier commit; -1 when it was never indexed. */
    private int reuse(String repository, String commitId, String path, String blobId) {
        String from = jdbc.sql("""
                        SELECT commit_id FROM code_chunks WHERE repository = :r AND path = :p AND blob_id = :b LIMIT 1
                        """)
                .param("r", repository)
                .param("p", path)
                .param("b", blobId)
                .query(String.class)
                .optional()
                .orElse(null);
        if (from == null) {
            return -1;
        }
        return jdbc.sql("""
                        INSERT INTO code_chunks (repository, commit_id, path, blob_id, start_line, end_line, content, embedding)
                        SELECT repository, :c, path, blob_id, start_line, end_line, content, embedding FROM code_chunks
                         WHERE repository = :r AND path = :p AND blob_id = :b AND commit_id = :from
                        """)
                .param("c", commitId)
                .param("r", repository)
                .param("p", path)
                .param("b", blobId)
                .param("from", from)
                .update();
    }

    /**
     * Chunks wait in a window; a full window is embedded on the model's threads while this thread
     * reads and chunks the next files and stores the window before it, so the cores stay busy with
     * the model.
     */
    private final class Pipeline {

        private static final int WINDOW = 64;

        private final String repository;
        private final String commitId;
        private List<Piece> waiting = new ArrayList<>();
        private Window embedding;

        Pipeline(String repository, String commitId) {
            this.repository = repository;
            this.commitId = commitId;
        }

        /** @return how many chunks the file gave */
        int add(String path, String blobId, String text) {
            int budget = Chunker.budget(embeddings.tokens(path));
            List<Chunker.Chunk> chunks = Chunker.chunks(text, embeddings::tokens, budget);
            for (Chunker.Chunk chunk : chunks) {
                waiting.add(new Piece(path, blobId, chunk));
                if (waiting.size() == WINDOW) {
                    embedWaiting();
                }
            }
            return chunks.size();
        }

        void finish() {
            embedWaiting();
            Window last = embedding;
            embedding = null;
            store(last);
        }

        /** After a failure: the window nobody will store gives up the texts not yet embedded. */
        void abandon() {
            if (embedding != null) {
                embedding.vectors().cancel(false);
                embedding = null;
            }
        }

        private void embedWaiting() {
            if (waiting.isEmpty()) {
                return;
            }
            List<String> texts = new ArrayList<>(waiting.size());
            for (Piece piece : waiting) {
                texts.add(Chunker.embeddingText(piece.path(), piece.chunk()));
            }
            Window previous = embedding;
            embedding = new Window(waiting, embeddings.embedAsync(texts));
            waiting = new ArrayList<>();
            store(previous);
        }

        private void store(Window window) {
            if (window == null) {
                return;
            }
            List<Piece> pieces = window.pieces();
            List<float[]> vectors;
            try {
                vectors = window.vectors().join();
            } catch (CompletionException e) {
                throw LocalEmbeddings.unwrapped(e);
            }
            StringBuilder sql = new StringBuilder(
                    "INSERT INTO code_chunks (repository, commit_id, path, blob_id, start_line, end_line, content, embedding) VALUES ");
            List<Object> params = new ArrayList<>(pieces.size() * 8);
            for (int i = 0; i < pieces.size(); i++) {
                Piece piece = pieces.get(i);
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, CAST(? AS vector))");
                params.add(repository);
                params.add(commitId);
                params.add(piece.path());
                params.add(piece.blobId());
                params.add(piece.chunk().startLine());
                params.add(piece.chunk().endLine());
                params.add(piece.chunk().text().replace("\u0000", ""));
                params.add(LocalEmbeddings.literal(vectors.get(i)));
            }
            jdbc.sql(sql.toString()).params(params).update();
        }
    }

    private record Piece(String path, String blobId, Chunker.Chunk chunk) {}

    private record Window(List<Piece> pieces, CompletableFuture<List<float[]>> vectors) {}
}
