-- Content search (api.md §5.3): extracted text, lowercased, with a pg_trgm GIN index for substring LIKE.
-- The extension is database-wide; it lives in public unless an earlier install put it elsewhere, so the operator
-- class is looked up in whatever schema holds it (several yundoc schemas may share one database).
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE TABLE file_text (
    file_id  TEXT PRIMARY KEY,
    blob_key TEXT NOT NULL,
    body     TEXT NOT NULL
);
DO $$
DECLARE
    ext_schema text;
BEGIN
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX file_text_trgm ON file_text USING gin (body %I.gin_trgm_ops)', ext_schema);
END $$;
