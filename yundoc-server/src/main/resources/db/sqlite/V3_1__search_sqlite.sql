-- Content search (api.md §5.3): extracted text, lowercased, in an FTS5 table with the trigram tokenizer, so any
-- substring of 3 or more characters (Chinese included) is found through the index.
CREATE VIRTUAL TABLE file_text USING fts5(file_id UNINDEXED, blob_key UNINDEXED, body, tokenize = 'trigram');
