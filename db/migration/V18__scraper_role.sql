-- A token that may only read /actuator/prometheus: what Prometheus is given.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_check
    CHECK (role IN ('SCRAPER', 'VIEWER', 'AGENT', 'OPERATOR', 'ADMIN'));
