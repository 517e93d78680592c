package io.yundoc.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * What a change to a data table tells its listener, inside the change's own transaction (so an outbox row written by
 * the listener commits or rolls back with it). The light tables' listener is their webhooks ({@code
 * webhooks.WebhookService}, docs/api-families.md §F2.7); ksheet data tables have no webhooks (§F2.6) and listen to
 * nothing.
 */
public interface RecordEvents {
    RecordEvents NONE = (h, c) -> {};

    void changed(Handle h, Change change);

    enum Kind {
        RECORDS_CREATED,
        CELLS_UPDATED,
        FIELDS_CREATED,
        SHEET_REMOVED,
        VIEW_REMOVED
    }

    /**
     * One change. {@code records}: the records concerned with their values by field id (rendered as records are
     * answered); for {@link Kind#CELLS_UPDATED} only the fields that changed. {@code fieldNames}: field id → name.
     * {@code fields}: for {@link Kind#FIELDS_CREATED}, {@code {id,name,type}}.
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
