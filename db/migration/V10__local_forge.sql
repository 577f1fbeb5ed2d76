-- The local forge (no network): bare repositories on disk, and here the issues, pull requests and
-- comments a hosted forge would keep. Issues and pull requests share one number sequence per
-- repository, as on GitHub.
CREATE TABLE forge_repositories (
    repository  text        PRIMARY KEY,
    next_number integer     NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE forge_issues (
    repository text        NOT NULL REFERENCES forge_repositories,
    number     integer     NOT NULL,
    title      text        NOT NULL,
    body       text        NOT NULL DEFAULT '',
    author     text        NOT NULL,
    labels     text[]      NOT NULL DEFAULT '{}',
    state      text        NOT NULL DEFAULT 'OPEN' CHECK (state IN ('OPEN', 'CLOSED')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, number)
);

CREATE TABLE forge_pull_requests (
    repository   text        NOT NULL REFERENCES forge_repositories,
    number       integer     NOT NULL,
    task_id      uuid,
    head_branch  text        NOT NULL,
    base_branch  text        NOT NULL,
    title        text        NOT NULL,
    body         text        NOT NULL DEFAULT '',
    state        text        NOT NULL DEFAULT 'OPEN' CHECK (state IN ('OPEN', 'MERGED', 'CLOSED')),
    head_commit  text        NOT NULL,
    merge_commit text,
    diff         text        NOT NULL,
    labels       text[]      NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    merged_at    timestamptz,
    PRIMARY KEY (repository, number)
);

-- One open pull request per branch: opening it again finds the first.
CREATE UNIQUE INDEX forge_pull_requests_open_branch ON forge_pull_requests (repository, head_branch)
    WHERE state = 'OPEN';

-- Comments by a hidden marker, so the fleet's status comment is edited in place, never repeated.
CREATE TABLE forge_comments (
    repository text        NOT NULL REFERENCES forge_repositories,
    number     integer     NOT NULL,
    marker     text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, number, marker)
);
