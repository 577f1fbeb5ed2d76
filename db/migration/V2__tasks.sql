-- Tasks: one per piece of work on a repository (an issue, or a REST request).
-- State changes go through TaskRepository.transition, which checks the allowed-transition table in
-- code and this row's version.
CREATE TABLE tasks (
    id               uuid        PRIMARY KEY,
    repository       text        NOT NULL,
    issue_number     integer,
    title            text        NOT NULL,
    body             text        NOT NULL DEFAULT '',   -- untrusted: issue text as written
    state            text        NOT NULL,
    mode             text        NOT NULL CHECK (mode IN ('LINEAR', 'PAIR')),
    iteration        integer     NOT NULL DEFAULT 0 CHECK (iteration >= 0),
    max_iters        integer     NOT NULL CHECK (max_iters BETWEEN 1 AND 50),
    version          bigint      NOT NULL DEFAULT 0,
    created_by       text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    stage_entered_at jsonb       NOT NULL DEFAULT '{}'::jsonb  -- state name -> when it was last entered
);

-- At most one active task per issue; terminal tasks do not count.
CREATE UNIQUE INDEX tasks_one_active_per_issue ON tasks (repository, issue_number)
    WHERE issue_number IS NOT NULL AND state NOT IN ('MERGED', 'FAILED', 'CANCELLED');

CREATE INDEX tasks_state_idx ON tasks (state);
CREATE INDEX tasks_repository_idx ON tasks (repository, created_at DESC);
