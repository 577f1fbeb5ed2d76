-- Bearer tokens for the REST API. Only a SHA-256 of each token is stored (tokens are 160-bit
-- random values, so a fast hash is enough); the token itself is shown once, when created.
CREATE TABLE api_tokens (
    id         uuid        PRIMARY KEY,
    name       text        NOT NULL UNIQUE,
    role       text        NOT NULL CHECK (role IN ('VIEWER', 'OPERATOR', 'ADMIN')),
    token_hash text        NOT NULL UNIQUE,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
