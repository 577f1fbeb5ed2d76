-- Whether the task's max_iters was set for it (by REST): then the repository's .fleet.yml
-- max-iters does not replace it; otherwise the repository's value does, once its developer read it.
ALTER TABLE tasks ADD COLUMN max_iters_explicit boolean NOT NULL DEFAULT false;
