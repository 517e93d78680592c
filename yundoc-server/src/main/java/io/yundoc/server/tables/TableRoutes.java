package io.yundoc.server.tables;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.protocol.Scope;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.quota.Tier;
import io.yundoc.server.records.DataTableRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The light-table routes of docs/api-families.md §F2.2 rows 1–12: access token, tier R10M, reads with
 * {@code access_personal_files} and writes with {@code edit_personal_files} (docs/api-families.md §F0, row 0.2);
 * payloads under {@code data.detail} (§F2.3).
 */
public final class TableRoutes implements ApiRoutes {
    static final String DOC = "/api/v1/openapi/dbt/:file_token";
    static final String SHEET = DOC + "/sheets/:sheet_id";
    private final TableService tables;

    public TableRoutes(TableService tables) {
        this.tables = tables;
    }

    @Override
    public void routes(Routes r) {
        Scope read = Scope.ACCESS_PERSONAL_FILES;
        Scope edit = Scope.EDIT_PERSONAL_FILES;
        r.token(Method.GET, DOC + "/schemas", read, Tier.READ_10M, this::schemas);
        r.token(Method.POST, DOC + "/sheets", edit, Tier.READ_10M, this::createSheet);
        r.token(Method.DELETE, SHEET, edit, Tier.READ_10M, this::deleteSheet);
        r.token(Method.POST, SHEET + "/fields", edit, Tier.READ_10M, this::createFields);
        r.token(Method.DELETE, SHEET + "/fields", edit, Tier.READ_10M, this::deleteFields);
        r.token(Method.POST, SHEET + "/views", edit, Tier.READ_10M, this::createViews);
        r.token(Method.DELETE, SHEET + "/views/:view_id", edit, Tier.READ_10M, this::deleteView);
        r.token(Method.GET, SHEET + "/records", read, Tier.READ_10M, this::list);
        r.token(Method.POST, SHEET + "/records/complex_query", read, Tier.READ_10M, this::query);
        r.token(Method.GET, SHEET + "/records/:record_id", read, Tier.READ_10M, this::get);
        r.token(Method.POST, SHEET + "/records", edit, Tier.READ_10M, this::create);
        r.token(Method.PUT, SHEET + "/records", edit, Tier.READ_10M, this::update);
        r.token(Method.DELETE, SHEET + "/records", edit, Tier.READ_10M, this::delete);
    }

    private static void detail(Call c, Object payload) {
        c.ok(Map.of("detail", payload));
    }

    private static int sheet(Call c) {
        return TableService.sheetId(c.param("sheet_id"));
    }

    private static boolean preferId(Call c) {
        return c.query("preferId")
                .filter(s -> !s.isEmpty())
                .map(v -> Json.parseBool("preferId", v))
                .orElse(false);
    }

    private void schemas(Call c) {
        detail(c, tables.schemas(c.principal(), c.fileId("file_token")));
    }

    private void createSheet(Call c) {
        ObjectNode body = c.json(true);
        detail(c, tables.createSheet(c.principal(), c.fileId("file_token"), body));
    }

    private void deleteSheet(Call c) {
        int sheet = sheet(c);
        tables.deleteSheet(c.principal(), c.fileId("file_token"), sheet);
        c.ok(Map.of());
    }

    private void createFields(Call c) {
        int sheet = sheet(c);
        detail(c, tables.createFields(c.principal(), c.fileId("file_token"), sheet, c.json(true)));
    }

    private void deleteFields(Call c) {
        int sheet = sheet(c);
        ObjectNode body = idsBody(c, "fields");
        detail(c, tables.deleteFields(c.principal(), c.fileId("file_token"), sheet, body));
    }

    private void createViews(Call c) {
        int sheet = sheet(c);
        detail(c, tables.createViews(c.principal(), c.fileId("file_token"), sheet, c.json(true)));
    }

    private void deleteView(Call c) {
        int sheet = sheet(c);
        tables.deleteView(c.principal(), c.fileId("file_token"), sheet, c.param("view_id"));
        c.ok(Map.of());
    }

    private void list(Call c) {
        int sheet = sheet(c);
        DataTableRules.ListQuery q = new DataTableRules.ListQuery(
                preferId(c),
                intParam(c, "pageSize", 100),
                c.query("viewId").orElse(null),
                longParam(c, "maxRecords"),
                c.queryList("fields"),
                c.query("offset").orElse(null),
                longParam(c, "pageNum"),
                null);
        detail(c, tables.list(c.principal(), c.fileId("file_token"), sheet, q));
    }

    /** complex_query: the GET parameters in the body (query parameters too), plus {@code filter}. */
    private void query(Call c) {
        int sheet = sheet(c);
        ObjectNode b = c.json(false);
        boolean preferId = Json.bool(b, "preferId").orElse(preferId(c));
        long pageSize = Json.integer(b, "pageSize").orElse((long) intParam(c, "pageSize", 100));
        if (pageSize < 1 || pageSize > 1000) {
            throw ApiException.invalid("pageSize must be 1 to 1000");
        }
        List<String> fields = Json.stringList(b, "fields").orElse(c.queryList("fields"));
        DataTableRules.ListQuery q = new DataTableRules.ListQuery(
                preferId,
                (int) pageSize,
                Json.text(b, "viewId").orElse(c.query("viewId").orElse(null)),
                Json.integer(b, "maxRecords").orElse(longParam(c, "maxRecords")),
                fields,
                Json.text(b, "offset").orElse(c.query("offset").orElse(null)),
                Json.integer(b, "pageNum").orElse(longParam(c, "pageNum")),
                b.get("filter"));
        detail(c, tables.list(c.principal(), c.fileId("file_token"), sheet, q));
    }

    private void get(Call c) {
        int sheet = sheet(c);
        detail(c, tables.get(c.principal(), c.fileId("file_token"), sheet, c.param("record_id"), preferId(c)));
    }

    private void create(Call c) {
        int sheet = sheet(c);
        detail(c, tables.create(c.principal(), c.fileId("file_token"), sheet, c.json(true), preferId(c)));
    }

    private void update(Call c) {
        int sheet = sheet(c);
        detail(c, tables.update(c.principal(), c.fileId("file_token"), sheet, c.json(true), preferId(c)));
    }

    private void delete(Call c) {
        int sheet = sheet(c);
        detail(c, tables.delete(c.principal(), c.fileId("file_token"), sheet, idsBody(c, "records")));
    }

    /** A body holding ids: {@code {"key":[...]}}, or a bare JSON array (§F2.4 accepts {@code ["H"]}), as for ksheet. */
    private static ObjectNode idsBody(Call c, String key) {
        byte[] raw = c.body();
        String text = new String(raw, StandardCharsets.UTF_8).trim();
        if (text.startsWith("[")) {
            try {
                return Json.MAPPER.createObjectNode().set(key, Json.MAPPER.readTree(raw));
            } catch (IOException e) {
                throw ApiException.invalid("body is not JSON");
            }
        }
        return c.json(true);
    }

    private static int intParam(Call c, String name, int dflt) {
        Long v = longParam(c, name);
        if (v == null) {
            return dflt;
        }
        if (v < 1 || v > 1000) {
            throw ApiException.invalid(name + " must be 1 to 1000");
        }
        return v.intValue();
    }

    private static Long longParam(Call c, String name) {
        String v = c.query(name).orElse("");
        return v.isEmpty() ? null : Json.parseLong(name, v);
    }
}
