-- Anonymous-preview tasks by the file they show (api-families.md §F4.2): purging a file for good ends its tasks and
-- tokens in the purging transaction (AnonymousStore.forgetFile, two statements by file_id), once per purged file.
-- Without this index each of them scanned the whole anon_previews table. One statement, the same in both dialects.
CREATE INDEX anon_previews_file ON anon_previews (file_id);
