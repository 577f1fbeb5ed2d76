-- One row per pair session (a pair task's start). Its fencing token grows by one each time a
-- coordinator takes the session's lock; the orchestrator accepts a session's results only with the
-- current token, so a coordinator that lost its lock (paused, partitioned) cannot change the task.
CREATE TABLE pair_sessions (
    session_id uuid        PRIMARY KEY,
    task_id    uuid        NOT NULL REFERENCES tasks (id),
    fence      bigint      NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    fenced_at  timestamptz
);
CREATE INDEX pair_sessions_task_idx ON pair_sessions (task_id);
