-- ShedLock's table: a scheduled job that must run once across the replicas holds its row.
CREATE TABLE shedlock (
    name       varchar(64)  PRIMARY KEY,
    lock_until timestamp    NOT NULL,
    locked_at  timestamp    NOT NULL,
    locked_by  varchar(255) NOT NULL
);

-- A refactoring run: the weekly schedule's or an operator's. One run per schedule slot, whichever
-- replica fires it (the unique index holds even where ShedLock's lock had expired).
CREATE TABLE refactor_runs (
    id           uuid        PRIMARY KEY,
    trigger      text        NOT NULL CHECK (trigger IN ('SCHEDULE', 'MANUAL')),
    slot         timestamptz,
    dry_run      boolean     NOT NULL,
    requested_by text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX refactor_runs_one_per_slot ON refactor_runs (slot) WHERE slot IS NOT NULL;

-- One scan per repository of a run, done by a refactor agent (its id is the envelope's task id).
-- candidates: the ranked hotspot groups the agent found; plan: what the run opens or skips, and why.
CREATE TABLE refactor_scans (
    id          uuid        PRIMARY KEY,
    run_id      uuid        NOT NULL REFERENCES refactor_runs,
    repository  text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('QUEUED', 'DONE', 'FAILED')),
    source      text,
    reason      text,
    measures    jsonb,
    candidates  jsonb,
    plan        jsonb,
    finished_at timestamptz,
    UNIQUE (run_id, repository)
);

-- A hotspot group the fleet took on: an issue on the forge and the task that works on it.
-- PLANNED until the issue is open and the task recorded (a step on every replica does that, once).
CREATE TABLE refactor_items (
    id           uuid        PRIMARY KEY,
    scan_id      uuid        NOT NULL REFERENCES refactor_scans,
    repository   text        NOT NULL,
    fingerprint  text        NOT NULL,
    title        text        NOT NULL,
    body         text        NOT NULL,
    debt_minutes integer     NOT NULL,
    weekly_tokens bigint     NOT NULL,
    state        text        NOT NULL CHECK (state IN ('PLANNED', 'OPENED')),
    issue_number integer,
    task_id      uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    opened_at    timestamptz,
    lines_changed integer   -- added plus removed lines of the merged change (filled once merged)
);
CREATE INDEX refactor_items_fingerprint_idx ON refactor_items (repository, fingerprint);
CREATE INDEX refactor_items_planned_idx ON refactor_items (created_at) WHERE state = 'PLANNED';
CREATE INDEX refactor_items_task_idx ON refactor_items (task_id);
