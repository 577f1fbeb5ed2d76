-- What the fleet pushed for each iteration of a task: a new iteration's change replaces the branch
-- (and so the open pull request) instead of being skipped because the branch already exists, and a
-- merge goes through only if the pull request still shows the commit the fleet pushed.
CREATE TABLE forge_pushes (
    task_id    uuid        NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    iteration  integer     NOT NULL,
    branch     text        NOT NULL,
    commit_id  text        NOT NULL,
    pushed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, iteration)
);
