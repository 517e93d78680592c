-- Content indexing cannot hurt the server (issue 13). Text is extracted in a separate process; a file whose
-- extraction fails, runs out of memory or time, or was under way when the server stopped is recorded here once and
-- leaves the queue, so no restart repeats it. A new version of the file queues it again (and clears its row when it
-- is indexed). attempts/claimed_until: a worker claims a queue row before extracting; a row found claimed with its
-- claim expired was being extracted when its process stopped.
CREATE TABLE index_failures (
    file_id   TEXT PRIMARY KEY,
    blob_key  TEXT,
    reason    TEXT NOT NULL,
    failed_at BIGINT NOT NULL
);
ALTER TABLE index_queue ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE index_queue ADD COLUMN claimed_until BIGINT;
