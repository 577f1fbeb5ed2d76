-- Reviews on the local forge's pull requests, as GitHub keeps them: a body and comments on lines of
-- the changed files. The marker makes posting a review idempotent (a retry posts nothing new).
CREATE TABLE forge_reviews (
    repository text        NOT NULL,
    number     integer     NOT NULL,
    marker     text        NOT NULL,
    commit_id  text,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (repository, number, marker),
    FOREIGN KEY (repository, number) REFERENCES forge_pull_requests (repository, number)
);

CREATE TABLE forge_review_comments (
    repository text    NOT NULL,
    number     integer NOT NULL,
    marker     text    NOT NULL,
    position   integer NOT NULL,
    path       text    NOT NULL,
    line       integer NOT NULL CHECK (line > 0),
    body       text    NOT NULL,
    PRIMARY KEY (repository, number, marker, position),
    FOREIGN KEY (repository, number, marker) REFERENCES forge_reviews (repository, number, marker)
);

-- The iterations whose review the fleet has posted on its task's pull request (on any forge): a
-- later review repeats nothing of those, and says everything the others raised.
CREATE TABLE forge_review_posts (
    task_id   uuid        NOT NULL,
    iteration integer     NOT NULL,
    posted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, iteration)
);
