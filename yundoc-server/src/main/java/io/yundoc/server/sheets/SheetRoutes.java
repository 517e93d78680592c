package io.yundoc.server.sheets;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Method;
import io.yundoc.protocol.Scope;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.quota.Tier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The et and ksheet routes of docs/api-families.md §F1 (grid sheets §F1.3–§F1.5, ksheet data tables §F1.6), all
 * access-token routes on the R10M tier (§F0 (row 3)); reads need {@code access_personal_files}, content writes
 * {@code edit_personal_files} (§F0 (row 2)). POST et cells stays unrouted, so it answers 30005 (§F1.5).
 */
public final class SheetRoutes implements ApiRoutes {
    private static final String ET = "/api/v1/openapi/et/:file_token";
    private static final String KSHEET = "/api/v1/openapi/ksheet/:file_token";
    private static final Scope READ = Scope.ACCESS_PERSONAL_FILES;
    private static final Scope EDIT = Scope.EDIT_PERSONAL_FILES;
    private final SheetService sheets;
    private final DataTableService tables;

    public SheetRoutes(SheetService sheets, DataTableService tables) {
        this.sheets = sheets;
        this.tables = tables;
    }

    @Override
    public void routes(Routes r) {
        r.token(
                Method.GET,
                ET + "/sheets",
                READ,
                Tier.READ_10M,
                c -> c.ok(Map.of("sheets_info", sheets.etSheets(c.principal(), c.fileId("file_token")))));
        r.token(
                Method.GET,
                ET + "/sheets/:sheet_idx/cells",
                READ,
                Tier.READ_10M,
                c -> c.okRendered(sheets.etCells(
                        c.principal(),
                        c.fileId("file_token"),
                        c.param("sheet_idx"),
                        range(c),
                        c.query("with_pic_url")
                                .map(v -> Json.parseBool("with_pic_url", v))
                                .orElse(false),
                        c.baseUrl())));
        // a picture's temporary URL (§F1.4 with_pic_url): no authentication beyond the URL, as api.md §6 downloads
        r.open(
                Method.GET,
                "/dl/pic/:ticket/:name",
                c -> sheets.picture(c.param("ticket"), (type, maxAge) -> {
                    c.response().header("Content-Type", type);
                    c.response().header("Cache-Control", "private, max-age=" + maxAge);
                    c.response().header("X-Content-Type-Options", "nosniff");
                    c.response().header("Content-Disposition", type.startsWith("image/") ? "inline" : "attachment");
                    return c.response().outputStream();
                }));

        r.token(
                Method.GET,
                KSHEET + "/sheets",
                READ,
                Tier.READ_10M,
                c -> c.ok(Map.of("sheets_info", sheets.ksheetSheets(c.principal(), c.fileId("file_token")))));
        r.token(
                Method.GET,
                KSHEET + "/sheets/:sheet_idx/cells",
                READ,
                Tier.READ_10M,
                c -> c.ok(Map.of(
                        "cells",
                        sheets.ksheetCells(c.principal(), c.fileId("file_token"), c.param("sheet_idx"), range(c)))));
        r.token(Method.POST, KSHEET + "/sheets/:sheet_idx/cells", EDIT, Tier.READ_10M, c -> {
            sheets.writeCells(c.principal(), c.fileId("file_token"), c.param("sheet_idx"), c.json(true));
            c.ok(Map.of());
        });

        r.token(
                Method.GET,
                KSHEET + "/schemas",
                READ,
                Tier.READ_10M,
                c -> c.ok(tables.schemas(c.principal(), c.fileId("file_token"))));
        r.token(
                Method.POST,
                KSHEET + "/sheets",
                EDIT,
                Tier.READ_10M,
                c -> c.ok(tables.createTable(c.principal(), c.fileId("file_token"), c.json(true))));
        r.token(Method.DELETE, KSHEET + "/sheets/:sheet_id", EDIT, Tier.READ_10M, c -> {
            tables.deleteTable(c.principal(), c.fileId("file_token"), c.param("sheet_id"));
            c.ok(Map.of());
        });
        r.token(
                Method.POST,
                KSHEET + "/sheets/:sheet_id/fields",
                EDIT,
                Tier.READ_10M,
                c -> c.ok(tables.addFields(c.principal(), c.fileId("file_token"), c.param("sheet_id"), c.json(true))));
        r.token(
                Method.DELETE,
                KSHEET + "/sheets/:sheet_id/fields",
                EDIT,
                Tier.READ_10M,
                c -> c.ok(tables.deleteFields(
                        c.principal(), c.fileId("file_token"), c.param("sheet_id"), idsBody(c, "fields"))));
        r.token(
                Method.POST,
                KSHEET + "/sheets/:sheet_id/views",
                EDIT,
                Tier.READ_10M,
                c -> c.ok(tables.addViews(c.principal(), c.fileId("file_token"), c.param("sheet_id"), c.json(true))));
        r.token(Method.DELETE, KSHEET + "/sheets/:sheet_id/views/:view_id", EDIT, Tier.READ_10M, c -> {
            tables.deleteView(c.principal(), c.fileId("file_token"), c.param("sheet_id"), c.param("view_id"));
            c.ok(Map.of());
        });
        String records = KSHEET + "/sheets/:sheet_id/records";
        r.token(
                Method.GET,
                records,
                READ,
                Tier.READ_10M,
                c -> c.ok(tables.list(c.principal(), c.fileId("file_token"), c.param("sheet_id"), query(c))));
        r.token(
                Method.POST,
                records + "/complex_query",
                READ,
                Tier.READ_10M,
                c -> c.ok(tables.list(c.principal(), c.fileId("file_token"), c.param("sheet_id"), complexQuery(c))));
        r.token(
                Method.GET,
                records + "/:record_id",
                READ,
                Tier.READ_10M,
                c -> c.ok(tables.record(
                        c.principal(),
                        c.fileId("file_token"),
                        c.param("sheet_id"),
                        c.param("record_id"),
                        preferId(c, null))));
        r.token(Method.POST, records, EDIT, Tier.READ_10M, c -> {
            JsonNode body = c.json(true);
            c.ok(tables.createRecords(
                    c.principal(), c.fileId("file_token"), c.param("sheet_id"), body, preferId(c, body)));
        });
        r.token(Method.PUT, records, EDIT, Tier.READ_10M, c -> {
            JsonNode body = c.json(true);
            c.ok(tables.updateRecords(
                    c.principal(), c.fileId("file_token"), c.param("sheet_id"), body, preferId(c, body)));
        });
        r.token(
                Method.DELETE,
                records,
                EDIT,
                Tier.READ_10M,
                c -> c.ok(tables.deleteRecords(
                        c.principal(), c.fileId("file_token"), c.param("sheet_id"), idsBody(c, "records"))));
    }

    /** The four required bounds of a cells read (§F1.4). */
    private static SheetService.Range range(Call c) {
        c.query("with_pic_url").ifPresent(v -> Json.parseBool("with_pic_url", v));
        return SheetService.Range.of(
                bound(c, "row_from"), bound(c, "row_to"), bound(c, "col_from"), bound(c, "col_to"));
    }

    private static long bound(Call c, String name) {
        String v = c.query(name).orElseThrow(() -> ApiException.invalid(name + " is required"));
        return Json.parseLong(name, v);
    }

    /** A body holding ids: {@code {"key":[...]}}, or a bare JSON array (§F2.4 accepts {@code ["H"]}). */
    private static JsonNode idsBody(Call c, String key) {
        byte[] raw = c.body();
        String text = new String(raw, StandardCharsets.UTF_8).trim();
        if (text.startsWith("[")) {
            try {
                JsonNode arr = Json.MAPPER.readTree(raw);
                return Json.MAPPER.createObjectNode().set(key, arr);
            } catch (IOException e) {
                throw ApiException.invalid("body is not JSON");
            }
        }
        return c.json(true);
    }

    private static boolean preferId(Call c, JsonNode body) {
        if (body != null && body.has("preferId")) {
            return Json.bool(body, "preferId").orElse(false);
        }
        return c.query("preferId").map(v -> Json.parseBool("preferId", v)).orElse(false);
    }

    private static DataTableService.Query query(Call c) {
        return new DataTableService.Query(
                preferId(c, null),
                (int) c.query("pageSize")
                        .map(v -> clampInt("pageSize", v))
                        .orElse(100L)
                        .longValue(),
                c.query("maxRecords").map(v -> Json.parseLong("maxRecords", v)).orElse(null),
                c.queryList("fields"),
                c.query("offset").orElse(null),
                c.query("pageNum").map(v -> Json.parseLong("pageNum", v)).orElse(null),
                c.query("viewId").orElse(null),
                null);
    }

    private static long clampInt(String name, String v) {
        long n = Json.parseLong(name, v);
        return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n));
    }

    private static DataTableService.Query complexQuery(Call c) {
        JsonNode b = c.json(false);
        List<String> fields = Json.stringList(b, "fields").orElse(List.of());
        long pageSize = Json.integer(b, "pageSize").orElse(100L);
        return new DataTableService.Query(
                preferId(c, b),
                (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, pageSize)),
                Json.integer(b, "maxRecords").orElse(null),
                fields,
                Json.text(b, "offset").orElse(null),
                Json.integer(b, "pageNum").orElse(null),
                Json.text(b, "viewId").orElse(null),
                b.get("filter"));
    }
}
