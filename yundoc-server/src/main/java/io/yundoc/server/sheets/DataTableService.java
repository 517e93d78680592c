package io.yundoc.server.sheets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.records.DataTableRules;
import io.yundoc.server.records.RecordEvents;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Data tables inside a {@code .ksheet} (docs/api-families.md §F1.6): who reaches the document (as for its grid
 * sheets, {@link SheetService#document}), then the same data-table rules as dbt ({@link DataTableRules}) over the
 * {@code ksheet_*} rows ({@link DataTableStore}), so both families answer alike. Answers are wrapped in
 * {@code data.detail} (§F2.3). ksheet data tables have no webhooks (§F2.6 documents them for dbt only).
 */
public final class DataTableService {
    private final SheetService sheets;
    private final DataTableRules rules;

    public DataTableService(SheetService sheets, ServerClock clock) {
        this.sheets = sheets;
        this.rules = new DataTableRules(sheets.store().jdbi(), DataTableStore.INSTANCE, clock, RecordEvents.NONE);
    }

    private static Map<String, Object> detail(Object payload) {
        return Map.of("detail", payload);
    }

    /** The document's id after the access check of a read or a write. */
    private String doc(Principal p, String fileId, boolean write) {
        return sheets.document(p, fileId, SheetService.Family.KSHEET, write).fileId();
    }

    /**
     * The content of a copied {@code .ksheet} (the files copy route), inside the copy's transaction: grid sheets,
     * cells, merges and data tables with their records.
     */
    public void copyDocument(Handle h, String fromFileId, String toFileId) {
        DataTableStore.copyDocument(h, fromFileId, toFileId);
    }

    public Map<String, Object> schemas(Principal p, String fileId) {
        return detail(rules.schemas(doc(p, fileId, false)));
    }

    /** POST {@code ksheet/:ft/sheets}: a data table with its fields and views (§F2.4). */
    public Map<String, Object> createTable(Principal p, String fileId, JsonNode body) {
        return detail(rules.createTable(doc(p, fileId, true), p.userId(), object(body)));
    }

    /**
     * DELETE {@code ksheet/:ft/sheets/:sheet_id}: a data table, or a grid sheet (ksheet/delete-dbt.html names the
     * route by sheet id, and a ksheet has no other route that removes a grid sheet), while another sheet remains
     * (else 30011).
     */
    public void deleteTable(Principal p, String fileId, String rawSheetId) {
        int sheetId = DataTableRules.sheetId(rawSheetId);
        String f = doc(p, fileId, true);
        boolean grid = sheets.store().jdbi().inTransaction(h -> {
            SheetStore.lockForWrite(h, f);
            List<SheetStore.SheetRow> all = SheetStore.sheets(h, f);
            SheetStore.SheetRow s = all.stream()
                    .filter(x -> x.sheetId() == sheetId && x.grid())
                    .findFirst()
                    .orElse(null);
            if (s == null) {
                return false;
            }
            if (all.size() == 1) {
                throw new ApiException(ErrorCode.EXECUTE_FAILED, "the last sheet of a document cannot be deleted");
            }
            SheetStore.deleteSheet(h, f, s);
            return true;
        });
        if (!grid) {
            rules.deleteTable(f, p.userId(), sheetId);
        }
    }

    /** POST {@code …/fields}: adds fields ({@code {"fields":[{name,type,items?}]}}); answers them. */
    public Map<String, Object> addFields(Principal p, String fileId, String rawSheetId, JsonNode body) {
        int sheetId = DataTableRules.sheetId(rawSheetId);
        return detail(rules.createFields(doc(p, fileId, true), p.userId(), sheetId, object(body)));
    }

    /** POST {@code …/views}: adds views ({@code {"views":[{name,type,filter?,sort?}]}}); answers them. */
    public Map<String, Object> addViews(Principal p, String fileId, String rawSheetId, JsonNode body) {
        int sheetId = DataTableRules.sheetId(rawSheetId);
        return detail(rules.createViews(doc(p, fileId, true), sheetId, object(body)));
    }

    /** DELETE {@code …/fields}: {@code {"fields":[{"id":"H"}]}} or {@code ["H"]}; the primary field → 30011. */
    public Map<String, Object> deleteFields(Principal p, String fileId, String rawSheetId, JsonNode body) {
        int sheetId = DataTableRules.sheetId(rawSheetId);
        return detail(rules.deleteFields(doc(p, fileId, true), sheetId, object(body)));
    }

    /** DELETE {@code …/views/:view_id}: the last view → 30011. */
    public void deleteView(Principal p, String fileId, String rawSheetId, String viewId) {
        int sheetId = DataTableRules.sheetId(rawSheetId);
        rules.deleteView(doc(p, fileId, true), p.userId(), sheetId, viewId);
    }

    /** POST records: all or nothing, answered in request order (§F2.5). */
    public Map<String, Object> createRecords(
            Principal p, String fileId, String rawSheetId, JsonNode body, boolean preferId) {
        int sheetId = DataTableRules.sheetId(rawSheetId);
        return detail(rules.create(doc(p, fileId, true), p.userId(), sheetId, object(body), preferId));
    }

    /** PUT records: only the named fields change; an unknown id fails the whole request (§F2.5). */
    public Map<String, Object> updateRecords(
            Principal p, String fileId, String rawSheetId, JsonNode body, boolean preferId) {
        int sheetId = DataTableRules.sheetId(rawSheetId);
        return detail(rules.update(doc(p, fileId, true), p.userId(), sheetId, object(body), preferId));
    }

    /** DELETE records: {@code ["PP"]} or {@code [{"id":"PP"}]}; unknown ids fail the request. */
    public Map<String, Object> deleteRecords(Principal p, String fileId, String rawSheetId, JsonNode body) {
        int sheetId = DataTableRules.sheetId(rawSheetId);
        return detail(rules.delete(doc(p, fileId, true), sheetId, object(body)));
    }

    public Map<String, Object> record(
            Principal p, String fileId, String rawSheetId, String recordId, boolean preferId) {
        int sheetId = DataTableRules.sheetId(rawSheetId);
        return detail(rules.get(doc(p, fileId, false), sheetId, recordId, preferId));
    }

    /** The listing parameters of GET records (§F2.5) and complex_query. */
    public record Query(
            boolean preferId,
            int pageSize,
            Long maxRecords,
            List<String> fields,
            String offset,
            Long pageNum,
            String viewId,
            JsonNode filter) {}

    /** One page of records (§F2.5); through a view, its filter and sort apply. */
    public Map<String, Object> list(Principal p, String fileId, String rawSheetId, Query q) {
        String f = doc(p, fileId, false);
        int sheetId = DataTableRules.sheetId(rawSheetId);
        return detail(rules.list(
                f,
                sheetId,
                new DataTableRules.ListQuery(
                        q.preferId(),
                        q.pageSize(),
                        q.viewId(),
                        q.maxRecords(),
                        q.fields(),
                        q.offset(),
                        q.pageNum(),
                        q.filter())));
    }

    private static ObjectNode object(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("body must be a JSON object");
        }
        return (ObjectNode) body;
    }
}
