-- Personal drive (issue 5): recycle-bin grouping, paging cursors, the content-index queue, edit tokens.

-- Every row moved to the recycle bin by one delete carries the id of the item the user deleted (the top-level
-- item has trash_id = file_id), so recovery brings back exactly that subtree.
ALTER TABLE files ADD COLUMN trash_id TEXT;
CREATE INDEX files_trash ON files (trash_id);
CREATE INDEX files_owner ON files (owner_id, space);

-- Issued paging cursors (api.md §5.1): the position after the last item of a page, bound to the user and the
-- listing parameters. Short-lived; expired rows are removed when new ones are issued.
CREATE TABLE list_cursors (
    cursor_id  BIGINT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    params     TEXT NOT NULL,
    seg        INTEGER NOT NULL,
    sort_int   BIGINT,
    sort_text  TEXT,
    last_id    TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX list_cursors_expiry ON list_cursors (expires_at);

-- Content-index queue: a write only inserts a row here; the background indexer extracts text off the request path.
CREATE TABLE index_queue (
    file_id   TEXT PRIMARY KEY,
    queued_at BIGINT NOT NULL
);

