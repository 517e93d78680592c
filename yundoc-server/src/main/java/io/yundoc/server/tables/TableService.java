package io.yundoc.server.tables;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DisplayText;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Light tables (docs/api-families.md §F2.1–§F2.5): tables, fields, views and records of a {@code .dbt} document. Every
 * write is one transaction, and what it tells {@link TableEvents} (the webhook outbox) commits with it.
 *
 * <p>Reachable documents (docs/api-families.md §F0, row 0.8): the token's user's own personal files and files
 * shared with them as a named link member (read only: a member's write is 10003, §F2.8), and app-space files of the
 * token's own app. A document gets the blank table of §F2.1 the first time any route touches it, whichever way it
 * was created.
 */
public final class TableService {
    static final int MAX_BATCH = 1000;
    static final int MAX_TABLES = 100;
    static final int MAX_FIELDS = 200;
    static final int MAX_VIEWS = 100;
    static final int MAX_NAME = 100;
    static final Set<String> VIEW_TYPES = Set.of("grid", "kanban", "gallery");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final Jdbi jdbi;
    private final FileStore files;
    private final ServerClock clock;
    private volatile TableEvents events = TableEvents.NONE;

    public TableService(Jdbi jdbi, FileStore files, ServerClock clock) {
        this.jdbi = jdbi;
        this.files = files;
        this.clock = clock;
    }

    /** Who hears of committed changes (the webhooks). */
    public void events(TableEvents listener) {
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
        if (!"dbt".equals(io.yundoc.server.blob.ContentTypes.extension(f.name()))) {
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
                    TableStore.insertSheet(h, new TableStore.Sheet(fileId, 1, "数据表", 0, "B", 3, 3, 1));
                    TableStore.insertField(h, fileId, 1, new TableStore.Field("B", "名称", "MultiLineText", List.of(), null, 0));
                    TableStore.insertView(h, fileId, 1, new TableStore.View("B", "表格视图", "grid", 0));
                }
            });
        }
    }

    /** The sheet id of a path: an integer, else 10001. */
    public static int sheetId(String raw) {
        try {
            int n = Integer.parseInt(raw);
            if (n < 1) {
                throw ApiException.invalid("sheet_id must be a positive integer");
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("sheet_id must be an integer");
        }
    }

    private static TableStore.Sheet sheetOf(Handle h, String fileId, int sheetId, boolean lock) {
        return (lock ? TableStore.lockSheet(h, fileId, sheetId) : TableStore.sheet(h, fileId, sheetId))
                .orElseThrow(() -> ApiException.invalid("sheet not found"));
    }

    // ---- schema ------------------------------------------------------------------------------------------------

    /** GET schemas: {@code {"sheets":[…]}}, tables in tab order. */
    public ObjectNode schemas(Principal p, String fileId) {
        FileRecord f = document(p, fileId, false);
        return jdbi.withHandle(h -> {
            ObjectNode out = F.objectNode();
            ArrayNode sheets = out.putArray("sheets");
            for (TableStore.Sheet s : TableStore.sheets(h, f.fileId())) {
                sheets.add(sheetJson(h, s));
            }
            return out;
        });
    }

    /** Sheets and fields (of one table) for other packages: the webhooks check ids against them. */
    public boolean sheetExists(Handle h, String fileId, int sheetId) {
        return TableStore.sheet(h, fileId, sheetId).isPresent();
    }

    /** Holds the document's row until {@code h}'s transaction ends (document-wide limits, e.g. webhooks). */
    public void lockDocument(Handle h, String fileId) {
        TableStore.lockDocument(h, fileId);
    }

    public boolean viewExists(Handle h, String fileId, int sheetId, String viewId) {
        return TableStore.views(h, fileId, sheetId).stream().anyMatch(v -> v.viewId().equals(viewId));
    }

    public Set<String> fieldIds(Handle h, String fileId, int sheetId) {
        Set<String> out = new HashSet<>();
        TableStore.fields(h, fileId, sheetId).forEach(x -> out.add(x.fieldId()));
        return out;
    }

    public Set<String> existingRecordIds(Handle h, String fileId, int sheetId, List<String> ids) {
        return TableStore.existingRecordIds(h, fileId, sheetId, ids);
    }

    private static ObjectNode sheetJson(Handle h, TableStore.Sheet s) {
        ObjectNode o = F.objectNode();
        o.put("id", s.sheetId());
        o.put("name", s.name());
        o.put("primaryFieldId", s.primaryFieldId());
        ArrayNode fs = o.putArray("fields");
        TableStore.fields(h, s.fileId(), s.sheetId()).forEach(x -> fs.add(fieldJson(x)));
        ArrayNode vs = o.putArray("views");
        TableStore.views(h, s.fileId(), s.sheetId()).forEach(v -> vs.add(viewJson(v)));
        return o;
    }

    static ObjectNode fieldJson(TableStore.Field x) {
        ObjectNode o = F.objectNode();
        o.put("id", x.fieldId());
        o.put("name", x.name());
        o.put("type", x.type());
        if (x.type().endsWith("Select")) {
            ArrayNode items = o.putArray("items");
            x.items().forEach(i -> items.addObject().put("id", i.id()).put("value", i.value()));
        }
        if (x.linkSheet() != null) {
            o.put("linkSheet", x.linkSheet());
        }
        return o;
    }

    private static ObjectNode viewJson(TableStore.View v) {
        return F.objectNode().put("id", v.viewId()).put("name", v.name()).put("type", v.type());
    }

    private static String name(JsonNode n, String what) {
        if (n == null || !n.isTextual()) {
            throw ApiException.invalid(what + " name is required");
        }
        String s = java.text.Normalizer.normalize(n.asText().trim(), java.text.Normalizer.Form.NFC);
        if (s.isEmpty() || s.length() > MAX_NAME) {
            throw ApiException.invalid(what + " name must have 1 to " + MAX_NAME + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            if (DisplayText.forbidden(s.charAt(i))) {
                throw ApiException.invalid(what + " name contains a control character");
            }
        }
        return s;
    }

    /** The field definitions of a body, checked against each other and {@code taken} names; ids from {@code s}. */
    private static List<TableStore.Field> newFields(JsonNode arr, Set<String> taken, long[] nextField, int firstPosition,
                                                    Set<Integer> linkable) {
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw ApiException.invalid("fields must be a non-empty array");
        }
        if (arr.size() + taken.size() > MAX_FIELDS) {
            throw ApiException.invalid("a table has at most " + MAX_FIELDS + " fields");
        }
        List<TableStore.Field> out = new ArrayList<>();
        int pos = firstPosition;
        for (JsonNode d : arr) {
            if (!d.isObject()) {
                throw ApiException.invalid("each field must be an object");
            }
            String n = name(d.get("name"), "field");
            if (!taken.add(n)) {
                throw ApiException.invalid("field name " + n + " is already used in this table");
            }
            String type = d.path("type").asText("");
            if (!FieldValues.TYPES.contains(type)) {
                throw ApiException.invalid("unsupported field type");
            }
            List<TableStore.Item> items = new ArrayList<>();
            if (type.endsWith("Select")) {
                JsonNode is = d.path("items");
                if (!is.isMissingNode() && !is.isNull()) {
                    if (!is.isArray() || is.size() > 1000) {
                        throw ApiException.invalid("items must be an array of at most 1000 options");
                    }
                    Set<String> values = new HashSet<>();
                    for (JsonNode i : is) {
                        String v = i.isTextual() ? i.asText() : i.path("value").asText(null);
                        if (v == null || v.isEmpty() || v.length() > 200 || !values.add(v)) {
                            throw ApiException.invalid("field " + n + ": option values must be distinct strings of 1 to 200 characters");
                        }
                        items.add(new TableStore.Item(TableIds.encode(items.size() + 1), v));
                    }
                }
            }
            Integer linkSheet = null;
            if (type.equals("Link")) {
                JsonNode ls = d.path("linkSheet");
                if (!ls.isMissingNode() && !ls.isNull()) {
                    if (!ls.canConvertToInt() || !linkable.contains(ls.asInt())) {
                        throw ApiException.invalid("field " + n + ": linkSheet names no table of this document");
                    }
                    linkSheet = ls.asInt();
                }
            }
            if (nextField[0] > TableIds.MAX) {
                throw ApiException.invalid("this table has used up its field ids");
            }
            out.add(new TableStore.Field(TableIds.encode(nextField[0]++), n, type, items, linkSheet, pos++));
        }
        return out;
    }

    private static List<TableStore.View> newViews(JsonNode arr, Set<String> taken, long[] nextView, int firstPosition,
                                                  List<TableStore.Field> fields) {
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw ApiException.invalid("views must be a non-empty array");
        }
        if (arr.size() + taken.size() > MAX_VIEWS) {
            throw ApiException.invalid("a table has at most " + MAX_VIEWS + " views");
        }
        List<TableStore.View> out = new ArrayList<>();
        int pos = firstPosition;
        for (JsonNode d : arr) {
            if (!d.isObject()) {
                throw ApiException.invalid("each view must be an object");
            }
            String n = name(d.get("name"), "view");
            if (!taken.add(n)) {
                throw ApiException.invalid("view name " + n + " is already used in this table");
            }
            String type = d.path("type").asText("");
            if (!VIEW_TYPES.contains(type)) {
                throw ApiException.invalid("view type must be grid, kanban or gallery");
            }
            if (type.equals("kanban") && fields.stream().noneMatch(x -> x.type().equals("SingleSelect"))) {
                throw ApiException.invalid("a kanban view needs a SingleSelect field");
            }
            if (nextView[0] > TableIds.MAX) {
                throw ApiException.invalid("this table has used up its view ids");
            }
            out.add(new TableStore.View(TableIds.encode(nextView[0]++), n, type, pos++));
        }
        return out;
    }

    /** POST sheets (§F2.4): {@code {"sheet":{…}}}. */
    public ObjectNode createSheet(Principal p, String fileId, ObjectNode body) {
        String name = name(body.get("name"), "table");
        if (!body.path("views").isArray() || !body.path("fields").isArray()) {
            throw ApiException.invalid("views and fields are required arrays");
        }
        FileRecord f = document(p, fileId, true);
        return jdbi.inTransaction(h -> {
            TableStore.lockDocument(h, f.fileId());
            List<TableStore.Sheet> existing = TableStore.sheets(h, f.fileId());
            if (existing.size() >= MAX_TABLES) {
                throw ApiException.invalid("a document has at most " + MAX_TABLES + " tables");
            }
            if (existing.stream().anyMatch(s -> s.name().equals(name))) {
                throw ApiException.invalid("table name " + name + " is already used in this document");
            }
            int id = TableStore.takeSheetId(h, f.fileId());
            Set<Integer> linkable = new HashSet<>();
            existing.forEach(s -> linkable.add(s.sheetId()));
            linkable.add(id);
            long[] nextField = {2};
            long[] nextView = {2};
            List<TableStore.Field> fields = newFields(body.get("fields"), new HashSet<>(), nextField, 0, linkable);
            List<TableStore.View> views = newViews(body.get("views"), new HashSet<>(), nextView, 0, fields);
            int position = existing.stream().mapToInt(TableStore.Sheet::position).max().orElse(-1) + 1;
            TableStore.Sheet s = new TableStore.Sheet(f.fileId(), id, name, position, fields.get(0).fieldId(), nextField[0],
                    nextView[0], 1);
            TableStore.insertSheet(h, s);
            fields.forEach(x -> TableStore.insertField(h, f.fileId(), id, x));
            views.forEach(v -> TableStore.insertView(h, f.fileId(), id, v));
            TableStore.touchFile(h, f.fileId(), clock.epochSeconds());
            ObjectNode out = F.objectNode();
            out.set("sheet", sheetJson(h, s));
            return out;
        });
    }

    /** DELETE sheets/:sheet_id: the last table → 30011; its subscriptions hear {@code sheet.remove}. */
    public void deleteSheet(Principal p, String fileId, int sheetId) {
        FileRecord f = document(p, fileId, true);
        jdbi.useTransaction(h -> {
            TableStore.lockDocument(h, f.fileId());
            sheetOf(h, f.fileId(), sheetId, true);
            if (TableStore.sheets(h, f.fileId()).size() <= 1) {
                throw new ApiException(ErrorCode.EXECUTE_FAILED, "the last table of a document cannot be deleted");
            }
            events.changed(h, new TableEvents.Change(TableEvents.Kind.SHEET_REMOVED, f.fileId(), sheetId, "", p.userId(),
                    List.of(), Map.of(), List.of()));
            TableStore.deleteSheet(h, f.fileId(), sheetId);
            TableStore.touchFile(h, f.fileId(), clock.epochSeconds());
        });
    }

    /** POST sheets/:sheet_id/fields: {@code {"fields":[…]}}; subscriptions hear {@code fields.create}. */
    public ObjectNode createFields(Principal p, String fileId, int sheetId, ObjectNode body) {
        if (!body.path("fields").isArray()) {
            throw ApiException.invalid("fields is a required array");
        }
        FileRecord f = document(p, fileId, true);
        return jdbi.inTransaction(h -> {
            TableStore.Sheet s = sheetOf(h, f.fileId(), sheetId, true);
            List<TableStore.Field> old = TableStore.fields(h, f.fileId(), sheetId);
            Set<String> names = new HashSet<>();
            old.forEach(x -> names.add(x.name()));
            Set<Integer> linkable = new HashSet<>();
            TableStore.sheets(h, f.fileId()).forEach(x -> linkable.add(x.sheetId()));
            long[] next = {s.nextField()};
            int pos = old.stream().mapToInt(TableStore.Field::position).max().orElse(-1) + 1;
            List<TableStore.Field> created = newFields(body.get("fields"), names, next, pos, linkable);
            created.forEach(x -> TableStore.insertField(h, f.fileId(), sheetId, x));
            TableStore.updateCounters(h, new TableStore.Sheet(s.fileId(), s.sheetId(), s.name(), s.position(), s.primaryFieldId(),
                    next[0], s.nextView(), s.nextRecord()));
            List<ObjectNode> brief = created.stream().map(x -> F.objectNode().put("id", x.fieldId()).put("name", x.name())
                    .put("type", x.type())).toList();
            events.changed(h, new TableEvents.Change(TableEvents.Kind.FIELDS_CREATED, f.fileId(), sheetId, "", p.userId(),
                    List.of(), Map.of(), brief));
            TableStore.touchFile(h, f.fileId(), clock.epochSeconds());
            ObjectNode out = F.objectNode();
            ArrayNode arr = out.putArray("fields");
            created.forEach(x -> arr.add(fieldJson(x)));
            return out;
        });
    }

    /** Ids from {@code ["H"]} or {@code [{"id":"H"}]} (§F2.4). */
    static List<String> ids(JsonNode arr, String what) {
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw ApiException.invalid(what + " must be a non-empty array");
        }
        if (arr.size() > MAX_BATCH) {
            throw ApiException.invalid(what + ": at most " + MAX_BATCH);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : arr) {
            String id = e.isTextual() ? e.asText() : e.isObject() && e.path("id").isTextual() ? e.get("id").asText() : null;
            if (id == null) {
                throw ApiException.invalid(what + " must be ids or {\"id\":…} objects");
            }
            if (!out.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** DELETE sheets/:sheet_id/fields: the primary field → 30011; unknown ids → 10001. */
    public ObjectNode deleteFields(Principal p, String fileId, int sheetId, ObjectNode body) {
        List<String> ids = ids(body.get("fields"), "fields");
        FileRecord f = document(p, fileId, true);
        return jdbi.inTransaction(h -> {
            TableStore.Sheet s = sheetOf(h, f.fileId(), sheetId, true);
            Set<String> known = fieldIds(h, f.fileId(), sheetId);
            for (String id : ids) {
                if (!known.contains(id)) {
                    throw ApiException.invalid("field not found: " + id);
                }
                if (id.equals(s.primaryFieldId())) {
                    throw new ApiException(ErrorCode.EXECUTE_FAILED, "the primary field cannot be deleted");
                }
            }
            ObjectNode out = F.objectNode();
            ArrayNode arr = out.putArray("fields");
            for (String id : ids) {
                // values stay in the records' JSON, unreachable: field ids are never reused
                TableStore.deleteField(h, f.fileId(), sheetId, id);
                arr.addObject().put("id", id).put("deleted", true);
            }
            TableStore.touchFile(h, f.fileId(), clock.epochSeconds());
            return out;
        });
    }

    /** POST sheets/:sheet_id/views: {@code {"views":[…]}}. */
    public ObjectNode createViews(Principal p, String fileId, int sheetId, ObjectNode body) {
        if (!body.path("views").isArray()) {
            throw ApiException.invalid("views is a required array");
        }
        FileRecord f = document(p, fileId, true);
        return jdbi.inTransaction(h -> {
            TableStore.Sheet s = sheetOf(h, f.fileId(), sheetId, true);
            List<TableStore.View> old = TableStore.views(h, f.fileId(), sheetId);
            Set<String> names = new HashSet<>();
            old.forEach(v -> names.add(v.name()));
            long[] next = {s.nextView()};
            int pos = old.stream().mapToInt(TableStore.View::position).max().orElse(-1) + 1;
            List<TableStore.View> created = newViews(body.get("views"), names, next, pos, TableStore.fields(h, f.fileId(), sheetId));
            created.forEach(v -> TableStore.insertView(h, f.fileId(), sheetId, v));
            TableStore.updateCounters(h, new TableStore.Sheet(s.fileId(), s.sheetId(), s.name(), s.position(), s.primaryFieldId(),
                    s.nextField(), next[0], s.nextRecord()));
            TableStore.touchFile(h, f.fileId(), clock.epochSeconds());
            ObjectNode out = F.objectNode();
            ArrayNode arr = out.putArray("views");
            created.forEach(v -> arr.add(viewJson(v)));
            return out;
        });
    }

    /** DELETE sheets/:sheet_id/views/:view_id: the last view → 30011; subscriptions hear {@code view.remove}. */
    public void deleteView(Principal p, String fileId, int sheetId, String viewId) {
        FileRecord f = document(p, fileId, true);
        jdbi.useTransaction(h -> {
            sheetOf(h, f.fileId(), sheetId, true);
            List<TableStore.View> views = TableStore.views(h, f.fileId(), sheetId);
            if (views.stream().noneMatch(v -> v.viewId().equals(viewId))) {
                throw ApiException.invalid("view not found");
            }
            if (views.size() <= 1) {
                throw new ApiException(ErrorCode.EXECUTE_FAILED, "the last view of a table cannot be deleted");
            }
            events.changed(h, new TableEvents.Change(TableEvents.Kind.VIEW_REMOVED, f.fileId(), sheetId, viewId, p.userId(),
                    List.of(), Map.of(), List.of()));
            TableStore.deleteView(h, f.fileId(), sheetId, viewId);
            TableStore.touchFile(h, f.fileId(), clock.epochSeconds());
        });
    }

    // ---- records -----------------------------------------------------------------------------------------------

    /** The parameters of GET records and complex_query. */
    public record ListQuery(boolean preferId, int pageSize, String viewId, Long maxRecords, List<String> fields,
                            String offset, Long pageNum, JsonNode filter) {
        public ListQuery {
            if (pageSize < 1 || pageSize > 1000) {
                throw ApiException.invalid("pageSize must be 1 to 1000");
            }
            if (maxRecords != null && maxRecords < 1) {
                throw ApiException.invalid("maxRecords must be at least 1");
            }
            if (pageNum != null && (pageNum < 1 || pageNum > 1_000_000_000L)) {
                throw ApiException.invalid("pageNum must be a positive integer");
            }
            if (fields != null && fields.size() > MAX_FIELDS) {
                throw ApiException.invalid("fields names at most " + MAX_FIELDS + " fields");
            }
        }
    }

    /** GET records / complex_query (§F2.5): {@code {"records":[…],"offset":"…"}}, {@code offset} absent at the end. */
    public ObjectNode list(Principal p, String fileId, int sheetId, ListQuery q) {
        FileRecord f = document(p, fileId, false);
        TableIds.Cursor cursor = null;
        if (q.pageNum() == null && q.offset() != null && !q.offset().isEmpty()) {
            cursor = TableIds.Cursor.decode(q.offset());
            if (cursor == null) {
                throw ApiException.invalid("offset is invalid");
            }
        }
        TableIds.Cursor start = cursor;
        return jdbi.withHandle(h -> {
            sheetOf(h, f.fileId(), sheetId, false);
            if (q.viewId() != null && !q.viewId().isEmpty() && !viewExists(h, f.fileId(), sheetId, q.viewId())) {
                throw ApiException.invalid("view not found");
            }
            List<TableStore.Field> fields = TableStore.fields(h, f.fileId(), sheetId);
            List<TableStore.Field> shown = select(fields, q.fields(), q.preferId());
            RecordFilter filter = RecordFilter.parse(q.filter(), byKey(fields, q.preferId()));
            long position = start == null ? 0 : start.returned();
            long toSkip = q.pageNum() == null ? 0 : (q.pageNum() - 1) * q.pageSize();
            long fromSeq = start == null ? 1 : start.seq();
            List<TableStore.Row> page = new ArrayList<>();
            Long nextSeq = null;
            scan:
            while (true) {
                List<TableStore.Row> batch = TableStore.records(h, f.fileId(), sheetId, fromSeq, 500);
                for (TableStore.Row r : batch) {
                    if (filter != null && !filter.matches(r)) {
                        continue;
                    }
                    if (q.maxRecords() != null && position >= q.maxRecords()) {
                        break scan;
                    }
                    if (toSkip > 0) {
                        toSkip--;
                        position++;
                        continue;
                    }
                    if (page.size() == q.pageSize()) {
                        nextSeq = r.seq();
                        break scan;
                    }
                    page.add(r);
                    position++;
                }
                if (batch.size() < 500) {
                    break;
                }
                fromSeq = batch.get(batch.size() - 1).seq() + 1;
            }
            ObjectNode out = F.objectNode();
            ArrayNode arr = out.putArray("records");
            Renderer render = new Renderer(h, f.fileId(), sheetId, fields, q.preferId());
            render.prefetchLinks(page);
            page.forEach(r -> arr.add(render.record(r, shown)));
            if (nextSeq != null) {
                out.put("offset", new TableIds.Cursor(nextSeq, position).encode());
            }
            return out;
        });
    }

    /** GET records/:record_id: {@code {"record":{…}}}; unknown → 10001 {@code record not found}. */
    public ObjectNode get(Principal p, String fileId, int sheetId, String recordId, boolean preferId) {
        FileRecord f = document(p, fileId, false);
        return jdbi.withHandle(h -> {
            sheetOf(h, f.fileId(), sheetId, false);
            TableStore.Row r = (TableIds.wellFormed(recordId) ? TableStore.record(h, f.fileId(), sheetId, recordId)
                    : java.util.Optional.<TableStore.Row>empty()).orElseThrow(() -> ApiException.invalid("record not found"));
            List<TableStore.Field> fields = TableStore.fields(h, f.fileId(), sheetId);
            Renderer render = new Renderer(h, f.fileId(), sheetId, fields, preferId);
            render.prefetchLinks(List.of(r));
            ObjectNode out = F.objectNode();
            out.set("record", render.record(r, fields));
            return out;
        });
    }

    /** POST records: 1–1000 records, all or nothing, answered in request order; subscriptions hear {@code records.create}. */
    public ObjectNode create(Principal p, String fileId, int sheetId, ObjectNode body, boolean preferId) {
        JsonNode arr = batch(body);
        FileRecord f = document(p, fileId, true);
        return jdbi.inTransaction(h -> {
            TableStore.Sheet s = sheetOf(h, f.fileId(), sheetId, true);
            List<TableStore.Field> fields = TableStore.fields(h, f.fileId(), sheetId);
            Map<String, TableStore.Field> byKey = byKey(fields, preferId);
            long next = s.nextRecord();
            if (next + arr.size() - 1 > TableIds.MAX) {
                throw ApiException.invalid("this table has used up its record ids");
            }
            List<TableStore.Row> rows = new ArrayList<>();
            for (JsonNode e : arr) {
                ObjectNode values = F.objectNode();
                applyValues(h, f.fileId(), sheetId, e, byKey, preferId, values, null);
                TableStore.Row r = new TableStore.Row(TableIds.encode(next), next, values);
                next++;
                TableStore.insertRecord(h, f.fileId(), sheetId, r);
                rows.add(r);
            }
            TableStore.updateCounters(h, new TableStore.Sheet(s.fileId(), s.sheetId(), s.name(), s.position(), s.primaryFieldId(),
                    s.nextField(), s.nextView(), next));
            Renderer answer = new Renderer(h, f.fileId(), sheetId, fields, preferId);
            Renderer byId = new Renderer(h, f.fileId(), sheetId, fields, false);
            answer.prefetchLinks(rows);
            byId.prefetchLinks(rows);
            events.changed(h, new TableEvents.Change(TableEvents.Kind.RECORDS_CREATED, f.fileId(), sheetId, "", p.userId(),
                    rows.stream().map(r -> new TableEvents.RecordValues(r.recordId(), byId.values(r, fields, null))).toList(),
                    names(fields), List.of()));
            TableStore.touchFile(h, f.fileId(), clock.epochSeconds());
            ObjectNode out = F.objectNode();
            ArrayNode list = out.putArray("records");
            rows.forEach(r -> list.add(answer.record(r, fields)));
            return out;
        });
    }

    /** PUT records: only the named fields change; unknown ids → 10001; subscriptions hear {@code cells.*.update}. */
    public ObjectNode update(Principal p, String fileId, int sheetId, ObjectNode body, boolean preferId) {
        JsonNode arr = batch(body);
        for (JsonNode e : arr) {
            if (!e.path("id").isTextual()) {
                throw ApiException.invalid("each record to update needs its id");
            }
        }
        FileRecord f = document(p, fileId, true);
        return jdbi.inTransaction(h -> {
            sheetOf(h, f.fileId(), sheetId, true);
            List<TableStore.Field> fields = TableStore.fields(h, f.fileId(), sheetId);
            Map<String, TableStore.Field> byKey = byKey(fields, preferId);
            Map<String, TableStore.Row> rows = new LinkedHashMap<>();
            Map<String, Set<String>> changed = new LinkedHashMap<>();
            for (JsonNode e : arr) {
                String id = e.get("id").asText();
                TableStore.Row r = rows.get(id);
                if (r == null) {
                    r = (TableIds.wellFormed(id) ? TableStore.record(h, f.fileId(), sheetId, id)
                            : java.util.Optional.<TableStore.Row>empty())
                            .orElseThrow(() -> ApiException.invalid("record not found: " + id));
                    rows.put(id, r);
                }
                Set<String> touched = changed.computeIfAbsent(id, k -> new HashSet<>());
                applyValues(h, f.fileId(), sheetId, e, byKey, preferId, r.fields(), touched);
            }
            rows.values().forEach(r -> TableStore.updateRecord(h, f.fileId(), sheetId, r));
            List<TableStore.Row> all = new ArrayList<>(rows.values());
            Renderer answer = new Renderer(h, f.fileId(), sheetId, fields, preferId);
            Renderer byId = new Renderer(h, f.fileId(), sheetId, fields, false);
            answer.prefetchLinks(all);
            byId.prefetchLinks(all);
            events.changed(h, new TableEvents.Change(TableEvents.Kind.CELLS_UPDATED, f.fileId(), sheetId, "", p.userId(),
                    all.stream().map(r -> new TableEvents.RecordValues(r.recordId(),
                            byId.values(r, fields, changed.get(r.recordId())))).toList(), names(fields), List.of()));
            TableStore.touchFile(h, f.fileId(), clock.epochSeconds());
            ObjectNode out = F.objectNode();
            ArrayNode list = out.putArray("records");
            for (JsonNode e : arr) {
                list.add(answer.record(rows.get(e.get("id").asText()), fields));
            }
            return out;
        });
    }

    /** DELETE records: {@code {"records":["PP"]}} (or {@code [{"id":"PP"}]}); unknown ids → 10001, all or nothing. */
    public ObjectNode delete(Principal p, String fileId, int sheetId, ObjectNode body) {
        List<String> ids = ids(body.get("records"), "records");
        FileRecord f = document(p, fileId, true);
        return jdbi.inTransaction(h -> {
            sheetOf(h, f.fileId(), sheetId, true);
            Set<String> exist = TableStore.existingRecordIds(h, f.fileId(), sheetId,
                    ids.stream().filter(TableIds::wellFormed).toList());
            ObjectNode out = F.objectNode();
            ArrayNode list = out.putArray("records");
            for (String id : ids) {
                if (!exist.contains(id)) {
                    throw ApiException.invalid("record not found: " + id);
                }
                TableStore.deleteRecord(h, f.fileId(), sheetId, id);
                list.addObject().put("id", id).put("deleted", true);
            }
            TableStore.touchFile(h, f.fileId(), clock.epochSeconds());
            return out;
        });
    }

    private static JsonNode batch(ObjectNode body) {
        JsonNode arr = body.get("records");
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw ApiException.invalid("records must be a non-empty array");
        }
        if (arr.size() > MAX_BATCH) {
            throw ApiException.invalid("records: at most " + MAX_BATCH + " per request");
        }
        for (JsonNode e : arr) {
            if (!e.isObject() || (e.has("fields") && !e.get("fields").isObject())) {
                throw ApiException.invalid("each record must be an object with a fields object");
            }
        }
        return arr;
    }

    /** Writes the {@code fields} of one record element into {@code values} (by field id), noting which it set. */
    private static void applyValues(Handle h, String fileId, int sheetId, JsonNode element, Map<String, TableStore.Field> byKey,
                                    boolean preferId, ObjectNode values, Set<String> touched) {
        JsonNode given = element.path("fields");
        if (given.isMissingNode()) {
            return;
        }
        var it = given.fields();
        while (it.hasNext()) {
            var e = it.next();
            TableStore.Field fd = byKey.get(e.getKey());
            if (fd == null) {
                throw ApiException.invalid("no field " + e.getKey() + " in this table");
            }
            int target = fd.linkSheet() == null ? sheetId : fd.linkSheet();
            JsonNode v = FieldValues.parse(fd, e.getValue(), preferId,
                    asked -> TableStore.existingRecordIds(h, fileId, target, asked));
            if (v == null) {
                values.remove(fd.fieldId());
            } else {
                values.set(fd.fieldId(), v);
            }
            if (touched != null) {
                touched.add(fd.fieldId());
            }
        }
    }

    /** Fields by the key a request uses: names, or ids with {@code preferId}; the other key is accepted when unambiguous. */
    private static Map<String, TableStore.Field> byKey(List<TableStore.Field> fields, boolean preferId) {
        Map<String, TableStore.Field> m = new HashMap<>();
        for (TableStore.Field x : fields) {
            m.putIfAbsent(preferId ? x.name() : x.fieldId(), x);
        }
        for (TableStore.Field x : fields) {
            m.put(preferId ? x.fieldId() : x.name(), x);
        }
        return m;
    }

    private static List<TableStore.Field> select(List<TableStore.Field> fields, List<String> names, boolean preferId) {
        if (names == null || names.isEmpty()) {
            return fields;
        }
        Map<String, TableStore.Field> byKey = byKey(fields, preferId);
        Set<String> wanted = new HashSet<>();
        for (String n : names) {
            TableStore.Field x = byKey.get(n);
            if (x == null) {
                throw ApiException.invalid("fields names no field " + n);
            }
            wanted.add(x.fieldId());
        }
        return fields.stream().filter(x -> wanted.contains(x.fieldId())).toList();
    }

    private static Map<String, String> names(List<TableStore.Field> fields) {
        Map<String, String> m = new LinkedHashMap<>();
        fields.forEach(x -> m.put(x.fieldId(), x.name()));
        return m;
    }

    /** Renders records; links to records deleted since are left out (one query per link field and page). */
    private static final class Renderer {
        private final Handle h;
        private final String fileId;
        private final int sheetId;
        private final List<TableStore.Field> fields;
        private final boolean preferId;
        private final Map<String, Set<String>> liveLinks = new HashMap<>();

        Renderer(Handle h, String fileId, int sheetId, List<TableStore.Field> fields, boolean preferId) {
            this.h = h;
            this.fileId = fileId;
            this.sheetId = sheetId;
            this.fields = fields;
            this.preferId = preferId;
        }

        void prefetchLinks(List<TableStore.Row> rows) {
            for (TableStore.Field x : fields) {
                if (!x.type().equals("Link")) {
                    continue;
                }
                Set<String> asked = new HashSet<>();
                rows.forEach(r -> r.fields().path(x.fieldId()).forEach(id -> asked.add(id.asText())));
                int target = x.linkSheet() == null ? sheetId : x.linkSheet();
                liveLinks.put(x.fieldId(), asked.isEmpty() ? Set.of() : TableStore.existingRecordIds(h, fileId, target, asked));
            }
        }

        /** Values by field id of the given fields (all when {@code only} is null), empty ones left out. */
        Map<String, JsonNode> values(TableStore.Row r, List<TableStore.Field> shown, Set<String> only) {
            Map<String, JsonNode> m = new LinkedHashMap<>();
            for (TableStore.Field x : shown) {
                if (only != null && !only.contains(x.fieldId())) {
                    continue;
                }
                JsonNode v = FieldValues.render(x, r.fields().get(x.fieldId()), preferId, liveLinks.get(x.fieldId()));
                if (v != null || only != null) {
                    m.put(x.fieldId(), v == null ? F.nullNode() : v);
                }
            }
            return m;
        }

        ObjectNode record(TableStore.Row r, List<TableStore.Field> shown) {
            ObjectNode o = F.objectNode();
            o.put("id", r.recordId());
            ObjectNode fs = o.putObject("fields");
            for (TableStore.Field x : shown) {
                JsonNode v = FieldValues.render(x, r.fields().get(x.fieldId()), preferId, liveLinks.get(x.fieldId()));
                if (v != null) {
                    fs.set(preferId ? x.fieldId() : x.name(), v);
                }
            }
            return o;
        }
    }
}
