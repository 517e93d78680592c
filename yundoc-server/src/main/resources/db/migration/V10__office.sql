-- Office conversion tasks and their outputs (docs/api-families.md §F3.3), and the preview cache the viewer uses
-- (docs/architecture.md "Office engine"). Shared SQL: SQLite and PostgreSQL alike.
--
-- A task is created by the POST (input already fetched into input_blob), then claimed by whichever instance's worker
-- gets it first: claimed_by/lease_until say who works on it and until when (renewed while it runs). A lease that ran
-- out means that worker died: the task is claimed again once (attempts 2), then failed with a message.
-- status: queued | processing | success | failure. options: the request's fields as JSON. result: the §F3.3 result.
CREATE TABLE office_tasks (
    task_id      TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    filename     TEXT NOT NULL,
    options      TEXT NOT NULL,
    input_blob   TEXT,
    input_size   BIGINT NOT NULL,
    status       TEXT NOT NULL,
    progress     INTEGER NOT NULL,
    message      TEXT,
    attempts     INTEGER NOT NULL,
    claimed_by   TEXT,
    lease_until  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    finished_at  BIGINT,
    elapsed_ms   BIGINT,
    result       TEXT
);
CREATE INDEX office_tasks_status ON office_tasks (status, lease_until);
CREATE INDEX office_tasks_finished ON office_tasks (finished_at);
CREATE INDEX office_tasks_input ON office_tasks (input_blob);

-- One row per output file of a task (a page image, a page's text, the pdf), served through api.md §6 URLs.
CREATE TABLE office_outputs (
    task_id  TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    name     TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    size     BIGINT NOT NULL,
    PRIMARY KEY (task_id, seq)
);
CREATE INDEX office_outputs_blob ON office_outputs (blob_key);

-- Preview PDFs by source content hash and options: made once, in the background. status: preparing | ready | failed.
CREATE TABLE office_previews (
    cache_key   TEXT PRIMARY KEY,
    source_blob TEXT NOT NULL,
    source_ext  TEXT NOT NULL,
    status      TEXT NOT NULL,
    blob_key    TEXT,
    message     TEXT,
    claimed_by  TEXT,
    lease_until BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX office_previews_blob ON office_previews (blob_key);
