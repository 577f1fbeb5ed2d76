-- Chunks are now sized by what the embedding model reads (128 word pieces) instead of 30 lines, of
-- which the model embedded only the first ~8. Chunks made the old way would be reused for every
-- unchanged file of later commits, so the index, derived from git and rebuilt on demand, starts
-- over.
TRUNCATE code_chunks, indexed_commits;
