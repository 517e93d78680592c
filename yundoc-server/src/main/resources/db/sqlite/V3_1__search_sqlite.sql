-- Content search (api.md §5.3): extracted text, lowercased, in an FTS5 table with the trigram tokenizer, so any
-- substring of 3 or more characters (Chinese included) is found through the index. file_text_ids gives each file a
-- stable integer that is the FTS rowid, so replacing one file's text is a rowid lookup, not a scan.
CREATE TABLE file_text_ids (
    rid     INTEGER PRIMARY KEY,
    file_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE file_text USING fts5(body, tokenize = 'trigram');
