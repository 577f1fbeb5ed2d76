-- The repository-context embeddings (384-dimension vectors) need pgvector.
-- Creating it needs a role allowed to (superuser, or the database owner where the
-- extension is trusted); deploy/local/provision.sh prepares such a database.
CREATE EXTENSION IF NOT EXISTS vector;
