-- Messages to the agents, written in the same transaction as the state change they announce and
-- published to Redis Streams by the relay, in id order per task.
CREATE TABLE outbox_events (
    id              bigserial   PRIMARY KEY,
    task_id         uuid        NOT NULL,
    event_id        uuid        NOT NULL UNIQUE,
    role            text        NOT NULL,
    type            text        NOT NULL,
    envelope        text        NOT NULL,
    status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PUBLISHED', 'BLOCKED')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    published_at    timestamptz
);

CREATE INDEX outbox_events_unpublished_idx ON outbox_events (id) WHERE status <> 'PUBLISHED';
CREATE INDEX outbox_events_task_idx ON outbox_events (task_id, id) WHERE status <> 'PUBLISHED';
