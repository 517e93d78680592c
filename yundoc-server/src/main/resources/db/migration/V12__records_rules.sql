-- One set of data-table rules for light tables (dbt_*) and the data tables inside a ksheet (ksheet_*)
-- (docs/api-families.md §F1.6, §F2.1-§F2.5; the rules live in io.yundoc.server.records). Shared SQL: SQLite and
-- PostgreSQL alike.

-- Two-way links (双向关联): link_field names the Link field on the other side that is kept in step with this one.
ALTER TABLE dbt_fields ADD COLUMN link_field TEXT;
ALTER TABLE ksheet_fields ADD COLUMN link_sheet INTEGER;
ALTER TABLE ksheet_fields ADD COLUMN link_field TEXT;

-- Views with their own filter ({mode, criteria} by field id) and sort ([{field, desc}]), as JSON.
ALTER TABLE dbt_views ADD COLUMN filter_json TEXT;
ALTER TABLE dbt_views ADD COLUMN sort_json TEXT;
ALTER TABLE ksheet_views ADD COLUMN filter_json TEXT;
ALTER TABLE ksheet_views ADD COLUMN sort_json TEXT;

-- ksheet data tables get the per-kind id counters of dbt (fields and views from B, records from A). Ids already
-- given came from next_seq written in the old letters (A = 0, base 52); each counter starts past the largest of
-- them read in the new letters (bijective base 52: A = 1, AA = 53), so no id is ever given twice.
ALTER TABLE ksheet_sheets ADD COLUMN next_field BIGINT;
ALTER TABLE ksheet_sheets ADD COLUMN next_view BIGINT;
ALTER TABLE ksheet_sheets ADD COLUMN next_record BIGINT;
UPDATE ksheet_sheets SET next_field = CASE
        WHEN next_seq <= 52 THEN next_seq + 1
        WHEN next_seq <= 2704 THEN next_seq + 53
        WHEN next_seq <= 140608 THEN next_seq + 2757
        ELSE next_seq + 143365 END
    WHERE kind = 'db';
UPDATE ksheet_sheets SET next_view = next_field, next_record = next_field WHERE kind = 'db';
