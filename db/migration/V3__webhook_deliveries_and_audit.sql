-- Every GitHub delivery once (X-GitHub-Delivery), with what the orchestrator made of it.
CREATE TABLE webhook_deliveries (
    delivery_id text        PRIMARY KEY,
    event       text        NOT NULL,
    action      text,
    repository  text,
    sender      text,
    outcome     text        NOT NULL,
    detail      text,
    task_id     uuid,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- Who did what to which task, partitioned by month. The default partition takes any row whose
-- month has no partition yet, so no row is ever refused; monthly partitions are created ahead by
-- a scheduled job.
CREATE TABLE audit_trail (
    id          bigserial,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    task_id     uuid,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE audit_trail_default PARTITION OF audit_trail DEFAULT;
CREATE INDEX audit_trail_task_idx ON audit_trail (task_id, occurred_at);
