package io.yundoc.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DisplayText;
import io.yundoc.server.core.ServerClock;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The rules of data tables (docs/api-families.md §F2.1–§F2.5), one implementation for the light tables ({@code .dbt},
 * {@code tables.TableService}) and the data tables inside a ksheet (§F1.6, {@code sheets.DataTableService}), over
 * a {@link RecordStore} each family implements. Callers check who may reach the document; this class does the rest:
 * names, types, values, filters, views, cursors, two-way links. Every write is one transaction that starts by
 * locking the document, and what it tells {@link RecordEvents} commits with it. Answers are the payloads that the
 * routes put under {@code data.detail} (§F2.3).
 */
public final class DataTableRules {
    public static final int MAX_BATCH = 1000;
    static final int MAX_TABLES = 100;
    static final int MAX_FIELDS = 200;
    static final int MAX_VIEWS = 100;
    static final int MAX_NAME = 100;
    static final int MAX_SORT = 10;
    static final Set<String> VIEW_TYPES = Set.of("grid", "kanban", "gallery");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int SCAN = 500;

    private final Jdbi jdbi;
    private final RecordStore store;
    private final ServerClock clock;
    private volatile RecordEvents events;

    public DataTableRules(Jdbi jdbi, RecordStore store, ServerClock clock, RecordEvents events) {
        this.jdbi = jdbi;
        this.store = store;
        this.clock = clock;
        this.events = events;
    }

    /** Who hears of committed changes (the dbt webhooks). */
    public void events(RecordEvents listener) {
        this.events = listener;
    }

    /** The sheet id of a path: a positive integer, else 10001. */
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

    private RecordStore.Table tableOf(Handle h, String fileId, int sheetId) {
        return store.table(h, fileId, sheetId).orElseThrow(() -> ApiException.invalid("sheet not found"));
    }

    /** A write to one table: the document locked, the table found, the file touched; one transaction. */
    private <T> T write(String fileId, int sheetId, BiFunction<Handle, RecordStore.Table, T> body) {
        return jdbi.inTransaction(h -> {
            store.lockDocument(h, fileId);
            T out = body.apply(h, tableOf(h, fileId, sheetId));
            store.touch(h, fileId, clock.epochSeconds());
            return out;
        });
    }

    // ---- schema ------------------------------------------------------------------------------------------------

    /** GET schemas: {@code {"sheets":[…]}}, data tables in tab order. */
    public ObjectNode schemas(String fileId) {
        return jdbi.withHandle(h -> {
            ObjectNode out = F.objectNode();
            ArrayNode sheets = out.putArray("sheets");
            for (RecordStore.Table t : store.tables(h, fileId)) {
                sheets.add(tableJson(h, fileId, t));
            }
            return out;
        });
    }

    private ObjectNode tableJson(Handle h, String fileId, RecordStore.Table t) {
        ObjectNode o = F.objectNode();
        o.put("id", t.sheetId());
        o.put("name", t.name());
        o.put("primaryFieldId", t.primaryFieldId());
        ArrayNode fs = o.putArray("fields");
        store.fields(h, fileId, t.sheetId()).forEach(x -> fs.add(fieldJson(x)));
        ArrayNode vs = o.putArray("views");
        store.views(h, fileId, t.sheetId()).forEach(v -> vs.add(viewJson(v)));
        return o;
    }

    static ObjectNode fieldJson(RecordStore.Field x) {
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
        if (x.linkField() != null) {
            o.put("linkField", x.linkField());
        }
        return o;
    }

    private static ObjectNode viewJson(RecordStore.View v) {
        ObjectNode o =
                F.objectNode().put("id", v.viewId()).put("name", v.name()).put("type", v.type());
        if (v.filter() != null) {
            o.set("filter", v.filter());
        }
        if (v.sort() != null) {
            o.set("sort", v.sort());
        }
        return o;
    }

    private static String name(JsonNode n, String what) {
        if (n == null || !n.isTextual()) {
            throw ApiException.invalid(what + " name is required");
        }
        String s = Normalizer.normalize(n.asText().trim(), Normalizer.Form.NFC);
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

    /** Ids for {@code n} new things of a table: its counter moves on, ids are never reused. */
    private long take(Handle h, String fileId, int sheetId, RecordStore.Counter c, int n, String what) {
        long first = store.takeCounter(h, fileId, sheetId, c, n);
        if (first + n - 1 > TableIds.MAX) {
            throw ApiException.invalid("this table has used up its " + what + " ids");
        }
        return first;
    }

    /**
     * Adds the fields a body defines to table {@code sheetId} (names unique against {@code taken}), with the
     * counterparts of the two-way links among them; returns what was added, by table.
     */
    private Map<Integer, List<RecordStore.Field>> addFields(
            Handle h, String fileId, int sheetId, JsonNode arr, Set<String> taken, int firstPosition) {
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw ApiException.invalid("fields must be a non-empty array");
        }
        if (arr.size() + taken.size() > MAX_FIELDS) {
            throw ApiException.invalid("a table has at most " + MAX_FIELDS + " fields");
        }
        Set<Integer> linkable = new HashSet<>();
        store.tables(h, fileId).forEach(t -> linkable.add(t.sheetId()));
        long next = take(h, fileId, sheetId, RecordStore.Counter.FIELD, arr.size(), "field");
        List<RecordStore.Field> out = new ArrayList<>();
        List<JsonNode> twoWay = new ArrayList<>();
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
            List<RecordStore.Item> items = new ArrayList<>();
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
                            throw ApiException.invalid(
                                    "field " + n + ": option values must be distinct strings of 1 to 200 characters");
                        }
                        items.add(new RecordStore.Item(TableIds.encode(items.size() + 1), v));
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
                JsonNode tw = d.path("twoWay");
                if (!tw.isMissingNode() && !tw.isNull() && !tw.isBoolean()) {
                    throw ApiException.invalid("field " + n + ": twoWay must be true or false");
                }
            }
            RecordStore.Field x =
                    new RecordStore.Field(TableIds.encode(next++), n, type, items, linkSheet, null, pos++);
            out.add(x);
            twoWay.add(type.equals("Link") && d.path("twoWay").asBoolean(false) ? d : null);
        }
        Map<Integer, List<RecordStore.Field>> added = new LinkedHashMap<>();
        added.put(sheetId, new ArrayList<>());
        for (int i = 0; i < out.size(); i++) {
            RecordStore.Field x = out.get(i);
            if (twoWay.get(i) == null) {
                store.insertField(h, fileId, sheetId, x);
                added.get(sheetId).add(x);
                continue;
            }
            // a two-way link (§F2.1 双向关联): the counterpart field in the target table points back at this one
            int target = x.target(sheetId);
            Set<String> names;
            int backPos;
            if (target == sheetId) {
                names = taken;
                backPos = pos++;
            } else {
                List<RecordStore.Field> there = store.fields(h, fileId, target);
                names = new HashSet<>();
                there.forEach(y -> names.add(y.name()));
                backPos = there.stream()
                                .mapToInt(RecordStore.Field::position)
                                .max()
                                .orElse(-1)
                        + 1;
            }
            if (names.size() >= MAX_FIELDS) {
                throw ApiException.invalid("the linked table has no room for the two-way link's field");
            }
            JsonNode given = twoWay.get(i).get("twoWayName");
            String back = given == null || given.isNull()
                    ? freeName(names, tableOf(h, fileId, sheetId).name())
                    : name(given, "field");
            if (!names.add(back)) {
                throw ApiException.invalid("field name " + back + " is already used in the linked table");
            }
            String backId = TableIds.encode(take(h, fileId, target, RecordStore.Counter.FIELD, 1, "field"));
            RecordStore.Field mine = new RecordStore.Field(
                    x.fieldId(), x.name(), x.type(), x.items(), x.linkSheet(), backId, x.position());
            RecordStore.Field counterpart =
                    new RecordStore.Field(backId, back, "Link", List.of(), sheetId, x.fieldId(), backPos);
            store.insertField(h, fileId, sheetId, mine);
            store.insertField(h, fileId, target, counterpart);
            added.get(sheetId).add(mine);
            added.computeIfAbsent(target, k -> new ArrayList<>()).add(counterpart);
        }
        return added;
    }

    /** {@code base}, or {@code base 2}, {@code base 3} … whichever is free. */
    private static String freeName(Set<String> taken, String base) {
        String n = base;
        for (int i = 2; taken.contains(n); i++) {
            n = base + " " + i;
        }
        return n.length() > MAX_NAME ? n.substring(0, MAX_NAME) : n;
    }

    private List<RecordStore.View> newViews(
            Handle h,
            String fileId,
            int sheetId,
            JsonNode arr,
            Set<String> taken,
            int firstPosition,
            List<RecordStore.Field> fields) {
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw ApiException.invalid("views must be a non-empty array");
        }
        if (arr.size() + taken.size() > MAX_VIEWS) {
            throw ApiException.invalid("a table has at most " + MAX_VIEWS + " views");
        }
        long next = take(h, fileId, sheetId, RecordStore.Counter.VIEW, arr.size(), "view");
        Map<String, RecordStore.Field> byKey = byKey(fields, false);
        List<RecordStore.View> out = new ArrayList<>();
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
            RecordFilter filter = RecordFilter.parse(d.get("filter"), byKey);
            out.add(new RecordStore.View(
                    TableIds.encode(next++),
                    n,
                    type,
                    pos++,
                    filter == null ? null : filter.toStored(),
                    sortOf(d.get("sort"), byKey)));
        }
        return out;
    }

    /** A view's {@code sort}: {@code [{"field": name or id, "desc": bool}]}, stored by field id. */
    private static ArrayNode sortOf(JsonNode n, Map<String, RecordStore.Field> byKey) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray() || n.size() > MAX_SORT) {
            throw ApiException.invalid("sort must be an array of at most " + MAX_SORT + " keys");
        }
        ArrayNode out = F.arrayNode();
        for (JsonNode k : n) {
            if (!k.isObject() || !k.path("field").isTextual()) {
                throw ApiException.invalid("each sort key needs a field");
            }
            RecordStore.Field x = byKey.get(k.get("field").asText());
            if (x == null) {
                throw ApiException.invalid(
                        "sort names no field " + k.get("field").asText());
            }
            JsonNode desc = k.path("desc");
            if (!desc.isMissingNode() && !desc.isNull() && !desc.isBoolean()) {
                throw ApiException.invalid("sort desc must be true or false");
            }
            out.addObject().put("field", x.fieldId()).put("desc", desc.asBoolean(false));
        }
        return out.isEmpty() ? null : out;
    }

    /** POST sheets (§F2.4): {@code {"sheet":{…}}}. */
    public ObjectNode createTable(String fileId, String operator, ObjectNode body) {
        String name = name(body.get("name"), "table");
        if (!body.path("views").isArray() || !body.path("fields").isArray()) {
            throw ApiException.invalid("views and fields are required arrays");
        }
        return jdbi.inTransaction(h -> {
            store.lockDocument(h, fileId);
            if (store.sheetCount(h, fileId) >= MAX_TABLES) {
                throw ApiException.invalid("a document has at most " + MAX_TABLES + " tables");
            }
            if (store.sheetNames(h, fileId).contains(name)) {
                throw ApiException.invalid("table name " + name + " is already used in this document");
            }
            int id = store.insertTable(h, fileId, name);
            Map<Integer, List<RecordStore.Field>> added =
                    addFields(h, fileId, id, body.get("fields"), new HashSet<>(), 0);
            List<RecordStore.Field> fields = store.fields(h, fileId, id);
            store.setPrimaryField(h, fileId, id, added.get(id).get(0).fieldId());
            newViews(h, fileId, id, body.get("views"), new HashSet<>(), 0, fields)
                    .forEach(v -> store.insertView(h, fileId, id, v));
            fieldsCreated(h, fileId, operator, added, id);
            store.touch(h, fileId, clock.epochSeconds());
            ObjectNode out = F.objectNode();
            out.set("sheet", tableJson(h, fileId, tableOf(h, fileId, id)));
            return out;
        });
    }

    /** Tells of the fields added to other tables than {@code except} (a two-way link's counterparts). */
    private void fieldsCreated(
            Handle h, String fileId, String operator, Map<Integer, List<RecordStore.Field>> added, int except) {
        added.forEach((sheet, list) -> {
            if (sheet != except && !list.isEmpty()) {
                events.changed(
                        h,
                        new RecordEvents.Change(
                                RecordEvents.Kind.FIELDS_CREATED,
                                fileId,
                                sheet,
                                "",
                                operator,
                                List.of(),
                                Map.of(),
                                brief(list)));
            }
        });
    }

    private static List<ObjectNode> brief(List<RecordStore.Field> fields) {
        return fields.stream()
                .map(x -> F.objectNode()
                        .put("id", x.fieldId())
                        .put("name", x.name())
                        .put("type", x.type()))
                .toList();
    }

    /** DELETE sheets/:sheet_id: the document's last sheet → 30011; subscriptions hear {@code sheet.remove}. */
    public void deleteTable(String fileId, String operator, int sheetId) {
        write(fileId, sheetId, (h, t) -> {
            if (store.sheetCount(h, fileId) <= 1) {
                throw new ApiException(ErrorCode.EXECUTE_FAILED, "the last sheet of a document cannot be deleted");
            }
            events.changed(
                    h,
                    new RecordEvents.Change(
                            RecordEvents.Kind.SHEET_REMOVED,
                            fileId,
                            sheetId,
                            "",
                            operator,
                            List.of(),
                            Map.of(),
                            List.of()));
            // two-way links into this table become one-way links (to a table that is gone, so they show nothing)
            for (RecordStore.Field x : store.fields(h, fileId, sheetId)) {
                if (x.linkField() != null && x.target(sheetId) != sheetId) {
                    store.setLinkField(h, fileId, x.target(sheetId), x.linkField(), null);
                }
            }
            store.deleteTable(h, fileId, sheetId);
            return null;
        });
    }

    /** POST sheets/:sheet_id/fields: {@code {"fields":[…]}}; subscriptions hear {@code fields.create}. */
    public ObjectNode createFields(String fileId, String operator, int sheetId, ObjectNode body) {
        if (!body.path("fields").isArray()) {
            throw ApiException.invalid("fields is a required array");
        }
        return write(fileId, sheetId, (h, t) -> {
            List<RecordStore.Field> old = store.fields(h, fileId, sheetId);
            Set<String> names = new HashSet<>();
            old.forEach(x -> names.add(x.name()));
            int pos = old.stream().mapToInt(RecordStore.Field::position).max().orElse(-1) + 1;
            Map<Integer, List<RecordStore.Field>> added = addFields(h, fileId, sheetId, body.get("fields"), names, pos);
            List<RecordStore.Field> created = added.get(sheetId);
            events.changed(
                    h,
                    new RecordEvents.Change(
                            RecordEvents.Kind.FIELDS_CREATED,
                            fileId,
                            sheetId,
                            "",
                            operator,
                            List.of(),
                            Map.of(),
                            brief(created)));
            fieldsCreated(h, fileId, operator, added, sheetId);
            ObjectNode out = F.objectNode();
            ArrayNode arr = out.putArray("fields");
            created.forEach(x -> arr.add(fieldJson(x)));
            return out;
        });
    }

    /** Ids from {@code ["H"]} or {@code [{"id":"H"}]} (§F2.4), duplicates once. */
    public static List<String> ids(JsonNode arr, String what) {
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            throw ApiException.invalid(what + " must be a non-empty array");
        }
        if (arr.size() > MAX_BATCH) {
            throw ApiException.invalid(what + ": at most " + MAX_BATCH);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : arr) {
            String id = e.isTextual()
                    ? e.asText()
                    : e.isObject() && e.path("id").isTextual() ? e.get("id").asText() : null;
            if (id == null) {
                throw ApiException.invalid(what + " must be ids or {\"id\":…} objects");
            }
            if (!out.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * DELETE sheets/:sheet_id/fields: the primary field → 30011; unknown ids → 10001. A two-way link's counterpart
     * stays, as a one-way link. Values stay in the records' JSON, unreachable: field ids are never reused.
     */
    public ObjectNode deleteFields(String fileId, int sheetId, ObjectNode body) {
        List<String> ids = ids(body.get("fields"), "fields");
        return write(fileId, sheetId, (h, t) -> {
            Map<String, RecordStore.Field> known = new HashMap<>();
            store.fields(h, fileId, sheetId).forEach(x -> known.put(x.fieldId(), x));
            for (String id : ids) {
                if (!known.containsKey(id)) {
                    throw ApiException.invalid("field not found: " + id);
                }
                if (id.equals(t.primaryFieldId())) {
                    throw new ApiException(ErrorCode.EXECUTE_FAILED, "the primary field cannot be deleted");
                }
            }
            ObjectNode out = F.objectNode();
            ArrayNode arr = out.putArray("fields");
            for (String id : ids) {
                RecordStore.Field x = known.get(id);
                if (x.linkField() != null) {
                    store.setLinkField(h, fileId, x.target(sheetId), x.linkField(), null);
                }
                store.deleteField(h, fileId, sheetId, id);
                arr.addObject().put("id", id).put("deleted", true);
            }
            return out;
        });
    }

    /** POST sheets/:sheet_id/views: {@code {"views":[…]}}, each with an optional {@code filter} and {@code sort}. */
    public ObjectNode createViews(String fileId, int sheetId, ObjectNode body) {
        if (!body.path("views").isArray()) {
            throw ApiException.invalid("views is a required array");
        }
        return write(fileId, sheetId, (h, t) -> {
            List<RecordStore.View> old = store.views(h, fileId, sheetId);
            Set<String> names = new HashSet<>();
            old.forEach(v -> names.add(v.name()));
            int pos = old.stream().mapToInt(RecordStore.View::position).max().orElse(-1) + 1;
            List<RecordStore.View> created =
                    newViews(h, fileId, sheetId, body.get("views"), names, pos, store.fields(h, fileId, sheetId));
            created.forEach(v -> store.insertView(h, fileId, sheetId, v));
            ObjectNode out = F.objectNode();
            ArrayNode arr = out.putArray("views");
            created.forEach(v -> arr.add(viewJson(v)));
            return out;
        });
    }

    /** DELETE sheets/:sheet_id/views/:view_id: the last view → 30011; subscriptions hear {@code view.remove}. */
    public void deleteView(String fileId, String operator, int sheetId, String viewId) {
        write(fileId, sheetId, (h, t) -> {
            List<RecordStore.View> views = store.views(h, fileId, sheetId);
            if (views.stream().noneMatch(v -> v.viewId().equals(viewId))) {
                throw ApiException.invalid("view not found");
            }
            if (views.size() <= 1) {
                throw new ApiException(ErrorCode.EXECUTE_FAILED, "the last view of a table cannot be deleted");
            }
            events.changed(
                    h,
                    new RecordEvents.Change(
                            RecordEvents.Kind.VIEW_REMOVED,
                            fileId,
                            sheetId,
                            viewId,
                            operator,
                            List.of(),
                            Map.of(),
                            List.of()));
            store.deleteView(h, fileId, sheetId, viewId);
            return null;
        });
    }

    // ---- records -----------------------------------------------------------------------------------------------

    /** The parameters of GET records and complex_query. */
    public record ListQuery(
            boolean preferId,
            int pageSize,
            String viewId,
            Long maxRecords,
            List<String> fields,
            String offset,
            Long pageNum,
            JsonNode filter) {
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

    /**
     * GET records / complex_query (§F2.5): {@code {"records":[…],"offset":"…"}}, {@code offset} absent at the end.
     * Through a view ({@code viewId}) the view's filter applies too, and its sort orders the records (table order
     * otherwise).
     */
    public ObjectNode list(String fileId, int sheetId, ListQuery q) {
        TableIds.Cursor cursor = null;
        if (q.pageNum() == null && q.offset() != null && !q.offset().isEmpty()) {
            cursor = TableIds.Cursor.decode(q.offset());
            if (cursor == null) {
                throw ApiException.invalid("offset is invalid");
            }
        }
        TableIds.Cursor start = cursor;
        return jdbi.withHandle(h -> {
            tableOf(h, fileId, sheetId);
            RecordStore.View view = null;
            if (q.viewId() != null && !q.viewId().isEmpty()) {
                view = store.views(h, fileId, sheetId).stream()
                        .filter(v -> v.viewId().equals(q.viewId()))
                        .findFirst()
                        .orElseThrow(() -> ApiException.invalid("view not found"));
            }
            List<RecordStore.Field> fields = store.fields(h, fileId, sheetId);
            List<RecordStore.Field> shown = select(fields, q.fields(), q.preferId());
            RecordFilter filter = RecordFilter.parse(q.filter(), byKey(fields, q.preferId()));
            Map<String, RecordStore.Field> byId = new HashMap<>();
            fields.forEach(x -> byId.put(x.fieldId(), x));
            if (view != null && view.filter() != null) {
                filter = RecordFilter.both(RecordFilter.stored(view.filter(), byId), filter);
            }
            Comparator<RecordStore.Row> order = view == null ? null : order(view.sort(), byId);
            List<RecordStore.Row> page = new ArrayList<>();
            TableIds.Cursor next = order == null
                    ? tablePage(h, fileId, sheetId, q, start, filter, page)
                    : sortedPage(h, fileId, sheetId, q, start, filter, order, page);
            ObjectNode out = F.objectNode();
            ArrayNode arr = out.putArray("records");
            Renderer render = new Renderer(h, fileId, sheetId, fields, q.preferId());
            render.prefetchLinks(page);
            page.forEach(r -> arr.add(render.record(r, shown)));
            if (next != null) {
                out.put("offset", next.encode());
            }
            return out;
        });
    }

    /** A page in table order; the cursor names the next record's {@code seq}. Returns the next cursor or null. */
    private TableIds.Cursor tablePage(
            Handle h,
            String fileId,
            int sheetId,
            ListQuery q,
            TableIds.Cursor start,
            RecordFilter filter,
            List<RecordStore.Row> page) {
        long position = start == null ? 0 : start.returned();
        long toSkip = q.pageNum() == null ? 0 : (q.pageNum() - 1) * q.pageSize();
        long fromSeq = start == null ? 1 : start.seq();
        while (true) {
            List<RecordStore.Row> batch = store.records(h, fileId, sheetId, fromSeq, SCAN);
            for (RecordStore.Row r : batch) {
                if (filter != null && !filter.matches(r)) {
                    continue;
                }
                if (q.maxRecords() != null && position >= q.maxRecords()) {
                    return null;
                }
                if (toSkip > 0) {
                    toSkip--;
                    position++;
                    continue;
                }
                if (page.size() == q.pageSize()) {
                    return new TableIds.Cursor(r.seq(), position);
                }
                page.add(r);
                position++;
            }
            if (batch.size() < SCAN) {
                return null;
            }
            fromSeq = batch.get(batch.size() - 1).seq() + 1;
        }
    }

    /**
     * A page of a sorted view: the matching records are sorted as a whole and the cursor names a position in that
     * order [D]; a record whose sort value changes during a walk may move past the cursor (the walk is not a
     * snapshot), as on a sorted view in the hosted product's own UI.
     */
    private TableIds.Cursor sortedPage(
            Handle h,
            String fileId,
            int sheetId,
            ListQuery q,
            TableIds.Cursor start,
            RecordFilter filter,
            Comparator<RecordStore.Row> order,
            List<RecordStore.Row> page) {
        List<RecordStore.Row> all = new ArrayList<>();
        long fromSeq = 1;
        while (true) {
            List<RecordStore.Row> batch = store.records(h, fileId, sheetId, fromSeq, SCAN);
            batch.stream().filter(r -> filter == null || filter.matches(r)).forEach(all::add);
            if (batch.size() < SCAN) {
                break;
            }
            fromSeq = batch.get(batch.size() - 1).seq() + 1;
        }
        all.sort(order);
        long end = q.maxRecords() == null ? all.size() : Math.min(all.size(), q.maxRecords());
        long from = q.pageNum() != null ? (q.pageNum() - 1) * q.pageSize() : start == null ? 0 : start.returned();
        long to = Math.min(end, from + q.pageSize());
        for (long i = from; i < to; i++) {
            page.add(all.get((int) i));
        }
        return to < end ? new TableIds.Cursor(to + 1, to) : null;
    }

    /** The order of a view's {@code sort} keys, then table order; null when the view sorts nothing. */
    private static Comparator<RecordStore.Row> order(JsonNode sort, Map<String, RecordStore.Field> byId) {
        if (sort == null || !sort.isArray()) {
            return null;
        }
        Comparator<RecordStore.Row> c = null;
        for (JsonNode k : sort) {
            RecordStore.Field x = byId.get(k.path("field").asText());
            if (x == null) {
                continue; // a field deleted since: its key is left out
            }
            boolean desc = k.path("desc").asBoolean(false);
            Comparator<RecordStore.Row> one = (a, b) ->
                    compareCells(x, a.fields().get(x.fieldId()), b.fields().get(x.fieldId()), desc);
            c = c == null ? one : c.thenComparing(one);
        }
        return c == null ? null : c.thenComparingLong(RecordStore.Row::seq);
    }

    /** Empty cells last whatever the direction; numbers by value, options by their order in the field, text by text. */
    private static int compareCells(RecordStore.Field f, JsonNode a, JsonNode b, boolean desc) {
        SortKey ka = SortKey.of(f, a);
        SortKey kb = SortKey.of(f, b);
        if (ka == null || kb == null) {
            return ka == null ? (kb == null ? 0 : 1) : -1;
        }
        int n = ka.compareTo(kb);
        return desc ? -n : n;
    }

    private record SortKey(BigDecimal number, String text) implements Comparable<SortKey> {
        static SortKey of(RecordStore.Field f, JsonNode stored) {
            if (stored == null || stored.isNull()) {
                return null;
            }
            return switch (f.type()) {
                case "Number" -> new SortKey(stored.decimalValue(), "");
                case "Checkbox" -> new SortKey(stored.asBoolean() ? BigDecimal.ONE : BigDecimal.ZERO, "");
                case "SingleSelect" -> {
                    int i = f.items().indexOf(f.itemById(stored.asText()).orElse(null));
                    yield i < 0 ? null : new SortKey(BigDecimal.valueOf(i), "");
                }
                case "Date" ->
                    stored.isNumber() ? new SortKey(stored.decimalValue(), "") : new SortKey(null, stored.asText());
                default -> {
                    List<String> texts = FieldValues.texts(f, stored);
                    yield texts.isEmpty() ? null : new SortKey(null, String.join(",", texts));
                }
            };
        }

        @Override
        public int compareTo(SortKey o) {
            if (number != null && o.number != null) {
                return number.compareTo(o.number);
            }
            if (number != null || o.number != null) {
                return number != null ? -1 : 1; // numbers before text (a Date column with both kinds)
            }
            return text.compareTo(o.text);
        }
    }

    /** GET records/:record_id: {@code {"record":{…}}}; unknown → 10001 {@code record not found}. */
    public ObjectNode get(String fileId, int sheetId, String recordId, boolean preferId) {
        return jdbi.withHandle(h -> {
            tableOf(h, fileId, sheetId);
            RecordStore.Row r = (TableIds.wellFormed(recordId)
                            ? store.record(h, fileId, sheetId, recordId)
                            : Optional.<RecordStore.Row>empty())
                    .orElseThrow(() -> ApiException.invalid("record not found"));
            List<RecordStore.Field> fields = store.fields(h, fileId, sheetId);
            Renderer render = new Renderer(h, fileId, sheetId, fields, preferId);
            render.prefetchLinks(List.of(r));
            ObjectNode out = F.objectNode();
            out.set("record", render.record(r, fields));
            return out;
        });
    }

    /** POST records: 1–1000 records, all or nothing, answered in request order; subscriptions hear {@code records.create}. */
    public ObjectNode create(String fileId, String operator, int sheetId, ObjectNode body, boolean preferId) {
        JsonNode arr = batch(body);
        return write(fileId, sheetId, (h, t) -> {
            List<RecordStore.Field> fields = store.fields(h, fileId, sheetId);
            Map<String, RecordStore.Field> byKey = byKey(fields, preferId);
            long next = take(h, fileId, sheetId, RecordStore.Counter.RECORD, arr.size(), "record");
            List<RecordStore.Row> rows = new ArrayList<>();
            for (JsonNode e : arr) {
                ObjectNode values = F.objectNode();
                applyValues(h, fileId, sheetId, e, byKey, preferId, values, null);
                RecordStore.Row r = new RecordStore.Row(TableIds.encode(next), next, values);
                next++;
                store.insertRecord(h, fileId, sheetId, r);
                rows.add(r);
            }
            syncLinks(h, fileId, operator, sheetId, fields, Map.of(), rows);
            Renderer answer = new Renderer(h, fileId, sheetId, fields, preferId);
            Renderer byId = new Renderer(h, fileId, sheetId, fields, false);
            answer.prefetchLinks(rows);
            byId.prefetchLinks(rows);
            events.changed(
                    h,
                    new RecordEvents.Change(
                            RecordEvents.Kind.RECORDS_CREATED,
                            fileId,
                            sheetId,
                            "",
                            operator,
                            rows.stream()
                                    .map(r -> new RecordEvents.RecordValues(r.recordId(), byId.values(r, fields, null)))
                                    .toList(),
                            names(fields),
                            List.of()));
            ObjectNode out = F.objectNode();
            ArrayNode list = out.putArray("records");
            rows.forEach(r -> list.add(answer.record(r, fields)));
            return out;
        });
    }

    /** PUT records: only the named fields change; unknown ids → 10001; subscriptions hear {@code cells.*.update}. */
    public ObjectNode update(String fileId, String operator, int sheetId, ObjectNode body, boolean preferId) {
        JsonNode arr = batch(body);
        for (JsonNode e : arr) {
            if (!e.path("id").isTextual()) {
                throw ApiException.invalid("each record to update needs its id");
            }
        }
        return write(fileId, sheetId, (h, t) -> {
            List<RecordStore.Field> fields = store.fields(h, fileId, sheetId);
            Map<String, RecordStore.Field> byKey = byKey(fields, preferId);
            Map<String, RecordStore.Row> rows = new LinkedHashMap<>();
            Map<String, ObjectNode> before = new HashMap<>();
            Map<String, Set<String>> changed = new LinkedHashMap<>();
            for (JsonNode e : arr) {
                String id = e.get("id").asText();
                RecordStore.Row r = rows.get(id);
                if (r == null) {
                    r = (TableIds.wellFormed(id)
                                    ? store.record(h, fileId, sheetId, id)
                                    : Optional.<RecordStore.Row>empty())
                            .orElseThrow(() -> ApiException.invalid("record not found: " + id));
                    rows.put(id, r);
                    before.put(id, r.fields().deepCopy());
                }
                Set<String> touched = changed.computeIfAbsent(id, k -> new HashSet<>());
                applyValues(h, fileId, sheetId, e, byKey, preferId, r.fields(), touched);
            }
            rows.values().forEach(r -> store.updateRecord(h, fileId, sheetId, r));
            List<RecordStore.Row> all = new ArrayList<>(rows.values());
            syncLinks(h, fileId, operator, sheetId, fields, before, all);
            Renderer answer = new Renderer(h, fileId, sheetId, fields, preferId);
            Renderer byId = new Renderer(h, fileId, sheetId, fields, false);
            answer.prefetchLinks(all);
            byId.prefetchLinks(all);
            events.changed(
                    h,
                    new RecordEvents.Change(
                            RecordEvents.Kind.CELLS_UPDATED,
                            fileId,
                            sheetId,
                            "",
                            operator,
                            all.stream()
                                    .map(r -> new RecordEvents.RecordValues(
                                            r.recordId(), byId.values(r, fields, changed.get(r.recordId()))))
                                    .toList(),
                            names(fields),
                            List.of()));
            ObjectNode out = F.objectNode();
            ArrayNode list = out.putArray("records");
            for (JsonNode e : arr) {
                list.add(answer.record(rows.get(e.get("id").asText()), fields));
            }
            return out;
        });
    }

    /** DELETE records: {@code {"records":["PP"]}} (or {@code [{"id":"PP"}]}); unknown ids → 10001, all or nothing. */
    public ObjectNode delete(String fileId, int sheetId, ObjectNode body) {
        List<String> ids = ids(body.get("records"), "records");
        return write(fileId, sheetId, (h, t) -> {
            Set<String> exist = store.existingRecordIds(
                    h,
                    fileId,
                    sheetId,
                    ids.stream().filter(TableIds::wellFormed).toList());
            ObjectNode out = F.objectNode();
            ArrayNode list = out.putArray("records");
            for (String id : ids) {
                if (!exist.contains(id)) {
                    throw ApiException.invalid("record not found: " + id);
                }
                // links to it (one-way or two-way) drop it when they are read: ids are never reused
                store.deleteRecord(h, fileId, sheetId, id);
                list.addObject().put("id", id).put("deleted", true);
            }
            return out;
        });
    }

    /**
     * Two-way links (§F2.1 双向关联): for each Link field of the table with a counterpart, the records added to or
     * removed from a cell gain or lose this record in the counterpart's cell; the other side's subscriptions hear
     * {@code cells.*.update} for those cells. {@code before}: the old values of updated records (absent: created).
     */
    private void syncLinks(
            Handle h,
            String fileId,
            String operator,
            int sheetId,
            List<RecordStore.Field> fields,
            Map<String, ObjectNode> before,
            List<RecordStore.Row> rows) {
        Map<String, RecordStore.Row> mine = new HashMap<>();
        rows.forEach(r -> mine.put(r.recordId(), r));
        for (RecordStore.Field x : fields) {
            if (!x.type().equals("Link") || x.linkField() == null) {
                continue;
            }
            int target = x.target(sheetId);
            Map<String, Set<String>> add = new LinkedHashMap<>();
            Map<String, Set<String>> remove = new LinkedHashMap<>();
            for (RecordStore.Row r : rows) {
                ObjectNode old = before.get(r.recordId());
                Set<String> was = linked(old == null ? null : old.get(x.fieldId()));
                Set<String> now = linked(r.fields().get(x.fieldId()));
                now.stream()
                        .filter(id -> !was.contains(id))
                        .forEach(id -> add.computeIfAbsent(id, k -> new LinkedHashSet<>())
                                .add(r.recordId()));
                was.stream()
                        .filter(id -> !now.contains(id))
                        .forEach(id -> remove.computeIfAbsent(id, k -> new LinkedHashSet<>())
                                .add(r.recordId()));
            }
            Set<String> others = new LinkedHashSet<>(add.keySet());
            others.addAll(remove.keySet());
            List<RecordStore.Row> changed = new ArrayList<>();
            for (String id : others) {
                RecordStore.Row other = target == sheetId && mine.containsKey(id)
                        ? mine.get(id)
                        : store.record(h, fileId, target, id).orElse(null);
                if (other == null) {
                    continue; // deleted since: nothing to keep in step
                }
                Set<String> cell = linked(other.fields().get(x.linkField()));
                cell.addAll(add.getOrDefault(id, Set.of()));
                cell.removeAll(remove.getOrDefault(id, Set.of()));
                if (cell.isEmpty()) {
                    other.fields().remove(x.linkField());
                } else {
                    ArrayNode ids = other.fields().putArray(x.linkField());
                    cell.forEach(ids::add);
                }
                store.updateRecord(h, fileId, target, other);
                changed.add(other);
            }
            if (!changed.isEmpty()) {
                List<RecordStore.Field> there = store.fields(h, fileId, target);
                Renderer byId = new Renderer(h, fileId, target, there, false);
                byId.prefetchLinks(changed);
                events.changed(
                        h,
                        new RecordEvents.Change(
                                RecordEvents.Kind.CELLS_UPDATED,
                                fileId,
                                target,
                                "",
                                operator,
                                changed.stream()
                                        .map(r -> new RecordEvents.RecordValues(
                                                r.recordId(), byId.values(r, there, Set.of(x.linkField()))))
                                        .toList(),
                                names(there),
                                List.of()));
            }
        }
    }

    private static Set<String> linked(JsonNode cell) {
        Set<String> out = new LinkedHashSet<>();
        FieldValues.linkIds(cell).forEach(id -> out.add(id.asText()));
        return out;
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
    private void applyValues(
            Handle h,
            String fileId,
            int sheetId,
            JsonNode element,
            Map<String, RecordStore.Field> byKey,
            boolean preferId,
            ObjectNode values,
            Set<String> touched) {
        JsonNode given = element.path("fields");
        if (given.isMissingNode()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : given.properties()) {
            RecordStore.Field fd = byKey.get(e.getKey());
            if (fd == null) {
                throw ApiException.invalid("no field " + e.getKey() + " in this table");
            }
            int target = fd.target(sheetId);
            JsonNode v = FieldValues.parse(
                    fd, e.getValue(), preferId, asked -> store.existingRecordIds(h, fileId, target, asked));
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
    private static Map<String, RecordStore.Field> byKey(List<RecordStore.Field> fields, boolean preferId) {
        Map<String, RecordStore.Field> m = new HashMap<>();
        for (RecordStore.Field x : fields) {
            m.putIfAbsent(preferId ? x.name() : x.fieldId(), x);
        }
        for (RecordStore.Field x : fields) {
            m.put(preferId ? x.fieldId() : x.name(), x);
        }
        return m;
    }

    private static List<RecordStore.Field> select(
            List<RecordStore.Field> fields, List<String> names, boolean preferId) {
        if (names == null || names.isEmpty()) {
            return fields;
        }
        Map<String, RecordStore.Field> byKey = byKey(fields, preferId);
        Set<String> wanted = new HashSet<>();
        for (String n : names) {
            RecordStore.Field x = byKey.get(n);
            if (x == null) {
                throw ApiException.invalid("fields names no field " + n);
            }
            wanted.add(x.fieldId());
        }
        return fields.stream().filter(x -> wanted.contains(x.fieldId())).toList();
    }

    private static Map<String, String> names(List<RecordStore.Field> fields) {
        Map<String, String> m = new LinkedHashMap<>();
        fields.forEach(x -> m.put(x.fieldId(), x.name()));
        return m;
    }

    /** Renders records; links to records deleted since are left out (one query per link field and page). */
    private final class Renderer {
        private final Handle h;
        private final String fileId;
        private final int sheetId;
        private final List<RecordStore.Field> fields;
        private final boolean preferId;
        private final Map<String, Set<String>> liveLinks = new HashMap<>();

        Renderer(Handle h, String fileId, int sheetId, List<RecordStore.Field> fields, boolean preferId) {
            this.h = h;
            this.fileId = fileId;
            this.sheetId = sheetId;
            this.fields = fields;
            this.preferId = preferId;
        }

        void prefetchLinks(List<RecordStore.Row> rows) {
            for (RecordStore.Field x : fields) {
                if (!x.type().equals("Link")) {
                    continue;
                }
                Set<String> asked = new HashSet<>();
                rows.forEach(
                        r -> FieldValues.linkIds(r.fields().get(x.fieldId())).forEach(id -> asked.add(id.asText())));
                liveLinks.put(
                        x.fieldId(),
                        asked.isEmpty() ? Set.of() : store.existingRecordIds(h, fileId, x.target(sheetId), asked));
            }
        }

        /** Values by field id of the given fields (all when {@code only} is null), empty ones left out. */
        Map<String, JsonNode> values(RecordStore.Row r, List<RecordStore.Field> shown, Set<String> only) {
            Map<String, JsonNode> m = new LinkedHashMap<>();
            for (RecordStore.Field x : shown) {
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

        ObjectNode record(RecordStore.Row r, List<RecordStore.Field> shown) {
            ObjectNode o = F.objectNode();
            o.put("id", r.recordId());
            ObjectNode fs = o.putObject("fields");
            for (RecordStore.Field x : shown) {
                JsonNode v = FieldValues.render(x, r.fields().get(x.fieldId()), preferId, liveLinks.get(x.fieldId()));
                if (v != null) {
                    fs.set(preferId ? x.fieldId() : x.name(), v);
                }
            }
            return o;
        }
    }
}
