package io.yundoc.server.tables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * What a committed change to a light table tells its listeners (webhooks, docs/api-families.md §F2.7). Called inside
 * the change's own transaction with its handle, so what a listener writes (an outbox row) commits or rolls back with
 * the change.
 */
public interface TableEvents {
    TableEvents NONE = (h, c) -> {};

    void changed(Handle h, Change change);

    enum Kind {
        RECORDS_CREATED,
        CELLS_UPDATED,
        FIELDS_CREATED,
        SHEET_REMOVED,
        VIEW_REMOVED
    }

    /**
     * One change. {@code records}: the records concerned, each {@code id} and its values by field id (rendered as
     * records are answered); for {@link Kind#CELLS_UPDATED} only the fields the request set. {@code fieldNames}: field
     * id → name for the table at that moment. {@code fields}: for {@link Kind#FIELDS_CREATED}, {@code {id,name,type}}.
     */
    record Change(
            Kind kind,
            String fileId,
            int sheetId,
            String viewId,
            String operatorUserId,
            List<RecordValues> records,
            Map<String, String> fieldNames,
            List<ObjectNode> fields) {}

    record RecordValues(String id, Map<String, JsonNode> values) {}
}
