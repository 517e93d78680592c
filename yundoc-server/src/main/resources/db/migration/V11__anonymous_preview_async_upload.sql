-- Anonymous preview (docs/api-families.md §F4) and app-space async upload (§F5). Shared SQL: SQLite and PostgreSQL
-- alike.

-- The operator's per-app switch for the anonymous-preview task routes (off by default; admin PATCH /apps/:app_id).
ALTER TABLE apps ADD COLUMN anonymous_preview INTEGER NOT NULL DEFAULT 0;

-- One anonymous-preview task: the app-space file it shows (appspace variant), or the private copy made for it
-- (cloud and local variants: a files row in the space 'anon', never listed), and whether its page offers a download.
CREATE TABLE anon_previews (
    task_id      TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL,
    file_id      TEXT NOT NULL,
    private_copy INTEGER NOT NULL,
    download     INTEGER NOT NULL,
    created_at   BIGINT NOT NULL
);

-- The tokens of a task. Only a SHA-256 of a token is stored (looked up by it); the value is derived again from
-- nonce with the server's anon_token_key setting when the task is queried. expires_at: epoch milliseconds of the
-- server clock; ended: refreshed (replaced) or cancelled.
CREATE TABLE anon_tokens (
    token_hash TEXT PRIMARY KEY,
    task_id    TEXT NOT NULL,
    app_id     TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX anon_tokens_task ON anon_tokens (task_id);

-- App-space async uploads. status: pending, running, success, failure. A running task holds a lease (epoch ms of
-- the server clock) that its worker renews; a task whose lease passed belongs to a dead worker and is claimed again
-- by any instance, once (attempts), then fails.
CREATE TABLE upload_tasks (
    task_id      TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL,
    url          TEXT NOT NULL,
    filename     TEXT NOT NULL,
    creator      TEXT,
    parent_token TEXT,
    status       TEXT NOT NULL,
    progress     INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_until  BIGINT,
    file_id      TEXT,
    error_code   INTEGER,
    error_hint   TEXT,
    created_at   BIGINT NOT NULL,
    ended_at     BIGINT
);
CREATE INDEX upload_tasks_status ON upload_tasks (status, lease_until);
CREATE INDEX upload_tasks_app ON upload_tasks (app_id, status);
