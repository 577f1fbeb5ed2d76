-- The status comment the fleet last wrote on each task's issue, so it is written again only when
-- what it should say has changed.
CREATE TABLE forge_status_comments (
    task_id    uuid        PRIMARY KEY,
    text_hash  text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
