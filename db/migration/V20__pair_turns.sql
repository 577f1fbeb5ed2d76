-- A pair session runs as turns: the orchestrator sends a message (to the coordinator, or to the
-- driver or a navigator on the coordinator's behalf) and waits for its answer. waiting_on is the
-- event id of that message and waiting_message the message itself: a session's result counts only
-- when it answers the message the session waits on, so a step is applied once however often it is
-- delivered, and a coordinator's answer refused for an old fencing token can be asked for again.
ALTER TABLE pair_sessions ADD COLUMN waiting_on uuid;
ALTER TABLE pair_sessions ADD COLUMN waiting_message jsonb;
-- How often the turn the session waits on was asked for again after a refused answer; back to 0
-- with each answer taken, so a long session is not failed by refusals spread over its turns.
ALTER TABLE pair_sessions ADD COLUMN restarts int NOT NULL DEFAULT 0;
