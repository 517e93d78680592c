-- Content of .ksheet documents (docs/api-families.md §F1): yundoc keeps it, since an online document has no bytes.
-- A .ksheet without a ksheet_docs row is blank (one grid sheet, id 1, "Sheet1"); the first write materialises it.
-- Every write locks the document's ksheet_docs row first, so writes to one document are serialised.
CREATE TABLE ksheet_docs (
    file_id TEXT PRIMARY KEY,
    next_sheet_id INTEGER NOT NULL
);

-- Sheets in tab order (sheet_idx); kind 'grid' (cells) or 'db' (a data table, §F1.6). next_seq allocates the
-- table's field, view and record ids, which are never reused.
CREATE TABLE ksheet_sheets (
    file_id TEXT NOT NULL,
    sheet_id INTEGER NOT NULL,
    sheet_idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    primary_field_id TEXT,
    next_seq INTEGER NOT NULL,
    PRIMARY KEY (file_id, sheet_id)
);

-- Non-empty grid cells: what was entered (formula or literal), its number format and a picture URL.
CREATE TABLE ksheet_cells (
    file_id TEXT NOT NULL,
    sheet_id INTEGER NOT NULL,
    row_idx INTEGER NOT NULL,
    col_idx INTEGER NOT NULL,
    formula TEXT,
    num_format TEXT,
    pic_url TEXT,
    PRIMARY KEY (file_id, sheet_id, row_idx, col_idx)
);

CREATE TABLE ksheet_merges (
    file_id TEXT NOT NULL,
    sheet_id INTEGER NOT NULL,
    row_from INTEGER NOT NULL,
    row_to INTEGER NOT NULL,
    col_from INTEGER NOT NULL,
    col_to INTEGER NOT NULL,
    PRIMARY KEY (file_id, sheet_id, row_from, col_from)
);

-- Data tables: fields (pos = order; items = JSON of a select field's options), views, records (fields = JSON).
CREATE TABLE ksheet_fields (
    file_id TEXT NOT NULL,
    sheet_id INTEGER NOT NULL,
    field_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    items TEXT,
    PRIMARY KEY (file_id, sheet_id, field_id)
);

CREATE TABLE ksheet_views (
    file_id TEXT NOT NULL,
    sheet_id INTEGER NOT NULL,
    view_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    PRIMARY KEY (file_id, sheet_id, view_id)
);

CREATE TABLE ksheet_records (
    file_id TEXT NOT NULL,
    sheet_id INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (file_id, sheet_id, record_id)
);
CREATE INDEX ksheet_records_seq ON ksheet_records (file_id, sheet_id, seq);
