-- Light tables (.dbt, docs/api-families.md §F2.1–§F2.5) and their webhooks (§F2.6–§F2.7). Shared SQL: SQLite and
-- PostgreSQL alike.
--
-- A .dbt document gets its row here the first time any route touches it (the blank table of §F2.1 is created then),
-- so documents made by every create path (personal, app space, fixtures) behave alike. next_sheet_id: table ids are
-- 1, 2, 3 … per document and never reused.
CREATE TABLE dbt_documents (
    file_id       TEXT PRIMARY KEY,
    next_sheet_id INTEGER NOT NULL
);

-- next_field / next_view / next_record: the per-table counters behind the [A-Za-z]{1,4} ids (never reused).
CREATE TABLE dbt_sheets (
    file_id          TEXT NOT NULL,
    sheet_id         INTEGER NOT NULL,
    name             TEXT NOT NULL,
    position         INTEGER NOT NULL,
    primary_field_id TEXT NOT NULL,
    next_field       BIGINT NOT NULL,
    next_view        BIGINT NOT NULL,
    next_record      BIGINT NOT NULL,
    PRIMARY KEY (file_id, sheet_id)
);

-- items: JSON [{"id","value"}] for select fields; link_sheet: the table a Link field points into.
CREATE TABLE dbt_fields (
    file_id    TEXT NOT NULL,
    sheet_id   INTEGER NOT NULL,
    field_id   TEXT NOT NULL,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    items      TEXT,
    link_sheet INTEGER,
    position   INTEGER NOT NULL,
    PRIMARY KEY (file_id, sheet_id, field_id)
);

CREATE TABLE dbt_views (
    file_id  TEXT NOT NULL,
    sheet_id INTEGER NOT NULL,
    view_id  TEXT NOT NULL,
    name     TEXT NOT NULL,
    type     TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (file_id, sheet_id, view_id)
);

-- seq: creation order, the listing order and the paging key. fields: JSON object keyed by field id.
CREATE TABLE dbt_records (
    file_id   TEXT NOT NULL,
    sheet_id  INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    fields    TEXT NOT NULL,
    PRIMARY KEY (file_id, sheet_id, record_id)
);
CREATE UNIQUE INDEX dbt_records_seq ON dbt_records (file_id, sheet_id, seq);

-- A subscription (§F2.6). field_ids / record_ids: JSON string arrays. next_seq numbers its deliveries, so they are
-- sent in commit order.
CREATE TABLE webhooks (
    webhook_id   TEXT PRIMARY KEY,
    file_id      TEXT NOT NULL,
    app_id       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    event        TEXT NOT NULL,
    sheet_id     INTEGER NOT NULL,
    view_id      TEXT NOT NULL,
    callback_url TEXT NOT NULL,
    field_ids    TEXT NOT NULL,
    record_ids   TEXT NOT NULL,
    ctime        BIGINT NOT NULL,
    next_seq     BIGINT NOT NULL
);
CREATE INDEX webhooks_file ON webhooks (file_id, sheet_id);

-- The outbox (§F2.7): written in the transaction of the change. A delivery carries what sending needs (URL, app),
-- so it outlives the subscription it came from (sheet.remove ends the sheet's subscriptions). state: pending,
-- delivered, failed (given up or refused). due_at: server clock, ms. claimed_until: wall clock, ms — the instance
-- sending it holds it until then (claimed_by: that instance, kept on finished rows as the sender); a claim that
-- expires (the instance died) lets another instance send it.
CREATE TABLE webhook_deliveries (
    delivery_id   TEXT PRIMARY KEY,
    webhook_id    TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    app_id        TEXT NOT NULL,
    callback_url  TEXT NOT NULL,
    event         TEXT NOT NULL,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    due_at        BIGINT NOT NULL,
    claimed_until BIGINT,
    claimed_by    TEXT,
    created_at    BIGINT NOT NULL,
    finished_at   BIGINT,
    last_status   INTEGER,
    last_error    TEXT,
    last_body     TEXT
);
CREATE UNIQUE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, seq);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, due_at);
