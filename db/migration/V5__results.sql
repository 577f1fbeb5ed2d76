-- Results already applied, by event id: a redelivered result changes nothing.
CREATE TABLE processed_events (
    event_id     uuid        PRIMARY KEY,
    stream       text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);

-- One row per agent result: what each iteration produced and what it cost.
CREATE TABLE agent_logs (
    id           bigserial   PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    session_id   uuid,
    task_id      uuid        NOT NULL,
    iter         integer     NOT NULL,
    role         text        NOT NULL,
    input_type   text        NOT NULL,
    outcome      text        NOT NULL,
    reason       text,
    patch_hash   text,
    tests_result jsonb,
    token_usage  jsonb,
    coverage     numeric(5, 2),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_logs_task_idx ON agent_logs (task_id, id);
