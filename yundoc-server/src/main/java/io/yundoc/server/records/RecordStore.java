package io.yundoc.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Where the data tables of one document family live: {@code dbt_*} rows for light tables ({@code tables.TableStore})
 * and {@code ksheet_*} rows for the data tables inside a ksheet ({@code sheets.DataTableStore}). {@link DataTableRules}
 * holds every rule over them, so both families answer alike (docs/api-families.md §F1.6 "same as dbt"); both
 * share one SQL implementation, {@link SqlRecordStore}. Every method runs inside the caller's handle; the writes inside a transaction that began with {@link #lockDocument}.
 */
public interface RecordStore {
    /** A data table (数据表): its id, name, tab position and primary field. */
    record Table(int sheetId, String name, int position, String primaryFieldId) {}

    /** One option of a select field. */
    record Item(String id, String value) {}

    /**
     * A field. {@code linkSheet}: the table a Link field points into (null: its own table); {@code linkField}: the
     * Link field on the other side that is kept in step with this one (two-way link), or null.
     */
    record Field(
            String fieldId,
            String name,
            String type,
            List<Item> items,
            Integer linkSheet,
            String linkField,
            int position) {
        public Optional<Item> itemByValue(String v) {
            return items.stream().filter(i -> i.value().equals(v)).findFirst();
        }

        public Optional<Item> itemById(String id) {
            return items.stream().filter(i -> i.id().equals(id)).findFirst();
        }

        /** The table this Link field points into, given the table it belongs to. */
        int target(int ownSheet) {
            return linkSheet == null ? ownSheet : linkSheet;
        }
    }

    /** A view; {@code filter} ({mode, criteria} by field id) and {@code sort} ([{field, desc}]) may be null. */
    record View(String viewId, String name, String type, int position, JsonNode filter, JsonNode sort) {}

    /** A record as stored: values keyed by field id; {@code seq} orders the table and never repeats. */
    record Row(String recordId, long seq, ObjectNode fields) {}

    /** The per-table counters behind field, view and record ids (and record {@code seq}). */
    enum Counter {
        FIELD,
        VIEW,
        RECORD
    }

    /** Holds the document until the transaction ends, so writes to one document run one after another. */
    void lockDocument(Handle h, String fileId);

    /** The document's data tables in tab order. */
    List<Table> tables(Handle h, String fileId);

    /** Names of every sheet of the document (a ksheet's grid sheets too): a new table's name must differ. */
    Set<String> sheetNames(Handle h, String fileId);

    /** How many sheets the document has (grid sheets too): its last one cannot be deleted. */
    int sheetCount(Handle h, String fileId);

    Optional<Table> table(Handle h, String fileId, int sheetId);

    /** Adds a table at the end of the tab order with a new, never reused id; its primary field is set next. */
    int insertTable(Handle h, String fileId, String name);

    void setPrimaryField(Handle h, String fileId, int sheetId, String fieldId);

    /** Removes the table with its fields, views and records. */
    void deleteTable(Handle h, String fileId, int sheetId);

    /** Takes {@code count} consecutive values of a counter; returns the first (ids are {@link TableIds#encode} of them). */
    long takeCounter(Handle h, String fileId, int sheetId, Counter counter, int count);

    List<Field> fields(Handle h, String fileId, int sheetId);

    void insertField(Handle h, String fileId, int sheetId, Field f);

    void deleteField(Handle h, String fileId, int sheetId, String fieldId);

    /** Sets (or clears, with null) the counterpart of a Link field. */
    void setLinkField(Handle h, String fileId, int sheetId, String fieldId, String linkField);

    List<View> views(Handle h, String fileId, int sheetId);

    void insertView(Handle h, String fileId, int sheetId, View v);

    void deleteView(Handle h, String fileId, int sheetId, String viewId);

    Optional<Row> record(Handle h, String fileId, int sheetId, String recordId);

    /** Records from {@code fromSeq} on (inclusive), in {@code seq} order, at most {@code limit}. */
    List<Row> records(Handle h, String fileId, int sheetId, long fromSeq, int limit);

    /** Which of {@code ids} are records of the table. */
    Set<String> existingRecordIds(Handle h, String fileId, int sheetId, Collection<String> ids);

    void insertRecord(Handle h, String fileId, int sheetId, Row r);

    void updateRecord(Handle h, String fileId, int sheetId, Row r);

    void deleteRecord(Handle h, String fileId, int sheetId, String recordId);

    /** A content change moves the file's {@code mtime} (docs/api.md §5.1). */
    void touch(Handle h, String fileId, long now);
}
