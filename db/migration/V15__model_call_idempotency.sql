-- Agents name each model call (task, iteration, turn) with an idempotency key: a redelivered step
-- that asks the same turn again is answered from the archive of the call already paid for, without a
-- second reservation. A key belongs to one task and one agent role. Only a live or answered call
-- holds its key; a failed (RELEASED) or EXPIRED one frees it for a new attempt.
ALTER TABLE model_calls ADD COLUMN idempotency_key text;

CREATE UNIQUE INDEX model_calls_idempotency_idx ON model_calls (task_id, role, idempotency_key)
    WHERE idempotency_key IS NOT NULL AND status IN ('RESERVED', 'SETTLED');
