package io.yundoc.server.tables;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import io.yundoc.server.records.DataTableRules;
import io.yundoc.server.records.RecordEvents;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Light tables (docs/api-families.md §F2.1–§F2.5): who reaches a {@code .dbt} document, then the shared data-table
 * rules ({@link DataTableRules}) over its {@code dbt_*} rows. Every write is one transaction, and what it tells
 * {@link RecordEvents} (the webhook outbox) commits with it.
 *
 * <p>Reachable documents (docs/api-families.md §F0, row 0.8): the token's user's own personal files and files
 * shared with them as a named link member (read only: a member's write is 10003, §F2.8), and app-space files of the
 * token's own app. A document gets the blank table of §F2.1 the first time any route touches it, whichever way it
 * was created.
 */
public final class TableService {
    private final Jdbi jdbi;
    private final FileStore files;
    private final DataTableRules rules;
    private volatile RecordEvents events = RecordEvents.NONE;

    public TableService(Jdbi jdbi, FileStore files, ServerClock clock) {
        this.jdbi = jdbi;
        this.files = files;
        this.rules = new DataTableRules(jdbi, TableStore.INSTANCE, clock, (h, c) -> events.changed(h, c));
    }

    /** Who hears of committed changes (the webhooks). */
    public void events(RecordEvents listener) {
        this.events = listener;
    }

    // ---- access ------------------------------------------------------------------------------------------------

    /**
     * The {@code .dbt} document {@code fileId} as the caller may use it: unknown, in the recycle bin or not visible →
     * 30012; a write by a link member → 10003; another document type → 10001.
     */
    public FileRecord document(Principal p, String fileId, boolean write) {
        FileRecord f = files.find(fileId).orElseThrow(ApiException::notFound);
        if (!f.live() || f.isFolder()) {
            throw ApiException.notFound();
        }
        if (FileRecord.APP.equals(f.space())) {
            if (!f.ownerId().equals(p.appId())) {
                throw ApiException.notFound();
            }
        } else if (!f.ownerId().equals(p.userId())) {
            if (!files.isMember(fileId, p.userId())) {
                throw ApiException.notFound();
            }
            if (write) {
                throw ApiException.denied("only the owner may change this document");
            }
        }
        if (!"dbt".equals(ContentTypes.extension(f.name()))) {
            throw ApiException.invalid("not a light table (.dbt) document");
        }
        ensure(fileId);
        return f;
    }

    /** The blank table of §F2.1 for a document seen for the first time. */
    private void ensure(String fileId) {
        boolean exists = jdbi.withHandle(h -> TableStore.documentExists(h, fileId));
        if (!exists) {
            jdbi.useTransaction(h -> {
                if (TableStore.insertDocument(h, fileId, 2)) {
                    TableStore.insertBlankTable(h, fileId);
                }
            });
        }
    }

    /** The sheet id of a path: an integer, else 10001. */
    public static int sheetId(String raw) {
        return DataTableRules.sheetId(raw);
    }

    /**
     * The tables of a copied {@code .dbt} (the files copy route), inside the copy's transaction: every table, field,
     * view and record with its id, so the copy answers as the original did. A document never touched has no rows and
     * its copy gets the blank table when first used.
     */
    public void copyDocument(Handle h, String fromFileId, String toFileId) {
        TableStore.copyDocument(h, fromFileId, toFileId);
    }

    /** A {@code .dbt} removed for good takes its tables, fields, views and records with it (same transaction). */
    public void documentPurged(Handle h, String fileId) {
        TableStore.forget(h, fileId);
    }

    // ---- for the webhooks: ids checked inside their transaction ---------------------------------------------------

    public boolean sheetExists(Handle h, String fileId, int sheetId) {
        return TableStore.INSTANCE.table(h, fileId, sheetId).isPresent();
    }

    /** Holds the document's row until {@code h}'s transaction ends (document-wide limits, e.g. webhooks). */
    public void lockDocument(Handle h, String fileId) {
        TableStore.INSTANCE.lockDocument(h, fileId);
    }

    public boolean viewExists(Handle h, String fileId, int sheetId, String viewId) {
        return TableStore.INSTANCE.views(h, fileId, sheetId).stream()
                .anyMatch(v -> v.viewId().equals(viewId));
    }

    public Set<String> fieldIds(Handle h, String fileId, int sheetId) {
        Set<String> out = new HashSet<>();
        TableStore.INSTANCE.fields(h, fileId, sheetId).forEach(x -> out.add(x.fieldId()));
        return out;
    }

    public Set<String> existingRecordIds(Handle h, String fileId, int sheetId, List<String> ids) {
        return TableStore.INSTANCE.existingRecordIds(h, fileId, sheetId, ids);
    }

    // ---- the routes of §F2.2 rows 1–12 -----------------------------------------------------------------------------

    /** GET schemas: {@code {"sheets":[…]}}, tables in tab order. */
    public ObjectNode schemas(Principal p, String fileId) {
        return rules.schemas(document(p, fileId, false).fileId());
    }

    /** POST sheets (§F2.4): {@code {"sheet":{…}}}. */
    public ObjectNode createSheet(Principal p, String fileId, ObjectNode body) {
        return rules.createTable(document(p, fileId, true).fileId(), p.userId(), body);
    }

    /** DELETE sheets/:sheet_id: the last table → 30011; its subscriptions hear {@code sheet.remove}. */
    public void deleteSheet(Principal p, String fileId, int sheetId) {
        rules.deleteTable(document(p, fileId, true).fileId(), p.userId(), sheetId);
    }

    /** POST sheets/:sheet_id/fields: {@code {"fields":[…]}}; subscriptions hear {@code fields.create}. */
    public ObjectNode createFields(Principal p, String fileId, int sheetId, ObjectNode body) {
        return rules.createFields(document(p, fileId, true).fileId(), p.userId(), sheetId, body);
    }

    /** DELETE sheets/:sheet_id/fields: the primary field → 30011; unknown ids → 10001. */
    public ObjectNode deleteFields(Principal p, String fileId, int sheetId, ObjectNode body) {
        DataTableRules.ids(body.get("fields"), "fields");
        return rules.deleteFields(document(p, fileId, true).fileId(), sheetId, body);
    }

    /** POST sheets/:sheet_id/views: {@code {"views":[…]}}. */
    public ObjectNode createViews(Principal p, String fileId, int sheetId, ObjectNode body) {
        return rules.createViews(document(p, fileId, true).fileId(), sheetId, body);
    }

    /** DELETE sheets/:sheet_id/views/:view_id: the last view → 30011; subscriptions hear {@code view.remove}. */
    public void deleteView(Principal p, String fileId, int sheetId, String viewId) {
        rules.deleteView(document(p, fileId, true).fileId(), p.userId(), sheetId, viewId);
    }

    /** GET records / complex_query (§F2.5): {@code {"records":[…],"offset":"…"}}, {@code offset} absent at the end. */
    public ObjectNode list(Principal p, String fileId, int sheetId, DataTableRules.ListQuery q) {
        return rules.list(document(p, fileId, false).fileId(), sheetId, q);
    }

    /** GET records/:record_id: {@code {"record":{…}}}; unknown → 10001 {@code record not found}. */
    public ObjectNode get(Principal p, String fileId, int sheetId, String recordId, boolean preferId) {
        return rules.get(document(p, fileId, false).fileId(), sheetId, recordId, preferId);
    }

    /** POST records: 1–1000 records, all or nothing, answered in request order; subscriptions hear {@code records.create}. */
    public ObjectNode create(Principal p, String fileId, int sheetId, ObjectNode body, boolean preferId) {
        return rules.create(document(p, fileId, true).fileId(), p.userId(), sheetId, body, preferId);
    }

    /** PUT records: only the named fields change; unknown ids → 10001; subscriptions hear {@code cells.*.update}. */
    public ObjectNode update(Principal p, String fileId, int sheetId, ObjectNode body, boolean preferId) {
        return rules.update(document(p, fileId, true).fileId(), p.userId(), sheetId, body, preferId);
    }

    /** DELETE records: {@code {"records":["PP"]}} (or {@code [{"id":"PP"}]}); unknown ids → 10001, all or nothing. */
    public ObjectNode delete(Principal p, String fileId, int sheetId, ObjectNode body) {
        DataTableRules.ids(body.get("records"), "records");
        return rules.delete(document(p, fileId, true).fileId(), sheetId, body);
    }
}
