-- Wakes the active outbox relay as soon as rows commit (LISTEN fleet_outbox), instead of waiting
-- for its next poll. Statement-level, and PostgreSQL folds identical notifications of one
-- transaction into one, so a transaction that enqueues many rows sends one notification, at commit.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fleet_outbox', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER outbox_events_notify
    AFTER INSERT ON outbox_events
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
