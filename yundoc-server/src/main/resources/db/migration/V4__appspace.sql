-- Blob collection after an app-space destroy asks "does any row still refer to this blob?" for files as well as
-- file_versions (which already has its index).
CREATE INDEX files_blob ON files (blob_key);
