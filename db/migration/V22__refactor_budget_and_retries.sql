-- The weekly token budget of a repository's refactorings: a fourth budget scope, counted by the
-- model calls of refactoring tasks only (locked after TASK, before REPOSITORY_DAY). Its key is
-- repository@<ISO week> (UTC); its limit is the repository's weekly-token-budget.
ALTER TABLE token_budgets DROP CONSTRAINT token_budgets_scope_check;
ALTER TABLE token_budgets ADD CONSTRAINT token_budgets_scope_check
    CHECK (scope IN ('TASK', 'REFACTOR_WEEK', 'REPOSITORY_DAY', 'GLOBAL_MONTH'));

-- A planned refactoring the forge keeps refusing is tried again later, not every round, and given
-- up (FAILED, with the reason) after a number of tries, so it neither blocks newer ones nor its
-- fingerprint for good.
ALTER TABLE refactor_items ADD COLUMN attempts int NOT NULL DEFAULT 0;
ALTER TABLE refactor_items ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE refactor_items ADD COLUMN last_error text;
ALTER TABLE refactor_items DROP CONSTRAINT refactor_items_state_check;
ALTER TABLE refactor_items ADD CONSTRAINT refactor_items_state_check CHECK (state IN ('PLANNED', 'OPENED', 'FAILED'));
DROP INDEX refactor_items_planned_idx;
CREATE INDEX refactor_items_planned_idx ON refactor_items (next_attempt_at) WHERE state = 'PLANNED';

-- The refactoring week a call reserved on (its key), or null: settling a call moves exactly the
-- rows its reservation touched, whatever became of its task since.
ALTER TABLE model_calls ADD COLUMN refactor_week text;
