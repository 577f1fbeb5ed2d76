-- Repository context for retrieval: source files split into chunks, each embedded with
-- all-MiniLM-L6-v2 (384 dimensions, in-process). A chunk belongs to a repository at a commit; the
-- file's git blob id lets a later commit reuse the chunks of files it did not change.
CREATE TABLE code_chunks (
    id          bigserial PRIMARY KEY,
    repository  text      NOT NULL,
    commit_id   text      NOT NULL,
    path        text      NOT NULL,
    blob_id     text      NOT NULL,
    start_line  integer   NOT NULL,
    end_line    integer   NOT NULL,
    content     text      NOT NULL,
    embedding   vector(384) NOT NULL
);

CREATE INDEX code_chunks_commit_idx ON code_chunks (repository, commit_id);
CREATE INDEX code_chunks_blob_idx ON code_chunks (repository, path, blob_id);
CREATE INDEX code_chunks_embedding_idx ON code_chunks USING hnsw (embedding vector_cosine_ops);

-- Which commits are indexed, and what indexing them cost.
CREATE TABLE indexed_commits (
    repository     text        NOT NULL,
    commit_id      text        NOT NULL,
    files          integer     NOT NULL,
    chunks         integer     NOT NULL,
    embedded_files integer     NOT NULL,   -- files that were new or changed, so were embedded
    took_ms        bigint      NOT NULL,
    indexed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, commit_id)
);
