-- Token budgets (docs/architecture.md, "Model gateway and token budget"): one row per scope and
-- period. A model call reserves its worst case on all three rows of its scopes before it is made,
-- in one transaction that updates them in a fixed order (TASK, REPOSITORY_DAY, GLOBAL_MONTH), and
-- only when used + reserved + the new reservation fits the limit; the answer settles the
-- reservation to the real usage.
CREATE TABLE token_budgets (
    scope           text        NOT NULL CHECK (scope IN ('TASK', 'REPOSITORY_DAY', 'GLOBAL_MONTH')),
    scope_key       text        NOT NULL,   -- task id; repository@yyyy-mm-dd; yyyy-mm (UTC)
    limit_tokens    bigint      NOT NULL CHECK (limit_tokens >= 0),
    used_tokens     bigint      NOT NULL DEFAULT 0 CHECK (used_tokens >= 0),
    reserved_tokens bigint      NOT NULL DEFAULT 0 CHECK (reserved_tokens >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, scope_key)
);

-- Every call through the gateway: its reservation while in flight, then what it really used.
CREATE TABLE model_calls (
    id                bigserial   PRIMARY KEY,
    task_id           uuid        NOT NULL,
    role              text        NOT NULL,
    repository        text        NOT NULL,
    provider          text        NOT NULL,
    model             text        NOT NULL,
    reserved_tokens   bigint      NOT NULL CHECK (reserved_tokens >= 0),
    prompt_tokens     bigint,
    completion_tokens bigint,
    status            text        NOT NULL DEFAULT 'RESERVED'
                                  CHECK (status IN ('RESERVED', 'SETTLED', 'RELEASED', 'EXPIRED')),
    outcome           text,
    replayed          boolean     NOT NULL DEFAULT false,
    latency_ms        bigint,
    archive_key       text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    settled_at        timestamptz
);

CREATE INDEX model_calls_task_idx ON model_calls (task_id, id);
CREATE INDEX model_calls_open_idx ON model_calls (created_at) WHERE status = 'RESERVED';

-- Agents call the gateway with a token of the AGENT role (viewer rights plus model calls).
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
    CHECK (role IN ('VIEWER', 'AGENT', 'OPERATOR', 'ADMIN'));
