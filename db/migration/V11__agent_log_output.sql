-- What an agent's result said, kept whole (untrusted data): the forge step reads the developer's
-- patch from it, the timeline can show it.
ALTER TABLE agent_logs ADD COLUMN output jsonb;
