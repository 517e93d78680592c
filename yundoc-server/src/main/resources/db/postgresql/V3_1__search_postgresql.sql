-- Content search (api.md §5.3): extracted text, lowercased, with a pg_trgm GIN index for substring LIKE.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE file_text (
    file_id  TEXT PRIMARY KEY,
    blob_key TEXT NOT NULL,
    body     TEXT NOT NULL
);
CREATE INDEX file_text_trgm ON file_text USING gin (body gin_trgm_ops);
