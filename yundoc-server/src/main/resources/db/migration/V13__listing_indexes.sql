-- The paged listings of a folder (api.md §5.1, the web drive) in index order: one index per order key and direction,
-- each (owner, folder, segment, sort key, id) over live rows, so a page of a 10,000-file folder is an index range
-- read of its rows and never a sort of the whole folder. The segment and size expressions are the ones
-- ListingStore.page writes, character for character (SQLite matches index expressions textually).
CREATE INDEX files_list_name ON files (space, owner_id, parent_id, (CASE WHEN kind = 'file' THEN 2 ELSE 1 END), name_key, file_id) WHERE deleted_at IS NULL;
CREATE INDEX files_list_name_desc ON files (space, owner_id, parent_id, (CASE WHEN kind = 'file' THEN 2 ELSE 1 END), name_key DESC, file_id) WHERE deleted_at IS NULL;
CREATE INDEX files_list_mtime ON files (space, owner_id, parent_id, (CASE WHEN kind = 'file' THEN 2 ELSE 1 END), mtime, file_id) WHERE deleted_at IS NULL;
CREATE INDEX files_list_mtime_desc ON files (space, owner_id, parent_id, (CASE WHEN kind = 'file' THEN 2 ELSE 1 END), mtime DESC, file_id) WHERE deleted_at IS NULL;
CREATE INDEX files_list_size ON files (space, owner_id, parent_id, (CASE WHEN kind = 'file' THEN 2 ELSE 1 END), (CASE WHEN kind = 'file' THEN size ELSE 0 END), file_id) WHERE deleted_at IS NULL;
CREATE INDEX files_list_size_desc ON files (space, owner_id, parent_id, (CASE WHEN kind = 'file' THEN 2 ELSE 1 END), (CASE WHEN kind = 'file' THEN size ELSE 0 END) DESC, file_id) WHERE deleted_at IS NULL;
