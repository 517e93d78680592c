-- Blob pins shared by every instance (ContentStore): an upload pins its blob's key between making the bytes durable
-- and committing the metadata that refers to them, and the collector never deletes a pinned blob.
-- blob_locks holds one row per blob key ever pinned or collected: both sides lock that row (FOR UPDATE on
-- PostgreSQL; SQLite's write transactions are serial anyway), so a collection and an upload of the same content
-- cannot interleave. The rows are tiny and kept: deleting one while another instance waits on it would reopen the race.
CREATE TABLE blob_locks (
    blob_key TEXT PRIMARY KEY
);

CREATE TABLE blob_pins (
    pin_id     TEXT PRIMARY KEY,
    blob_key   TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX blob_pins_by_key ON blob_pins (blob_key);
