package io.yundoc.server.sheets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.files.FileRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Data tables inside a {@code .ksheet} (docs/api-families.md §F1.6): the dbt model and rules of §F2.1–§F2.5 with
 * {@code ksheet} in the path. Answers are wrapped in {@code data.detail} (§F2.3). Field, view, select-item and
 * record ids come from one sequence per table, written {@code [A-Za-z]{1,4}} (§F2.1: first id {@code B}), never
 * reused. Every write is one transaction that starts by locking the document.
 */
public final class DataTableService {
    static final Set<String> FIELD_TYPES = Set.of("SingleLineText", "MultiLineText", "Number", "SingleSelect", "Date", "Checkbox",
            "MultipleSelect", "Url", "Attachment", "Link");
    static final Set<String> VIEW_TYPES = Set.of("grid", "kanban", "gallery");
    static final int MAX_RECORDS_PER_WRITE = 1000;
    static final int MAX_NAME = 255;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SheetService sheets;
    private final SheetStore store;

    public DataTableService(SheetService sheets) {
        this.sheets = sheets;
        this.store = sheets.store();
    }

    /** Letters for a sequence number: 0 → A, 1 → B, … 51 → z, 52 → BA … (base 52). */
    static String id(long seq) {
        String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder b = new StringBuilder();
        long n = seq;
        do {
            b.insert(0, digits.charAt((int) (n % 52)));
            n /= 52;
        } while (n > 0);
        return b.toString();
    }

    static long seqOf(String id) {
        if (id == null || !id.matches("[A-Za-z]{1,6}")) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            n = n * 52 + (ch <= 'Z' ? ch - 'A' : ch - 'a' + 26);
        }
        return n;
    }

    private static Map<String, Object> detail(String key, Object value) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(key, value);
        return Map.of("detail", d);
    }

    // ---- schema and tables

    /** A data table as the schema routes show it (§F2.4). */
    private record Table(SheetStore.SheetRow sheet, List<SheetStore.FieldRow> fields, List<SheetStore.ViewRow> views) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", sheet.sheetId());
            m.put("name", sheet.name());
            m.put("primaryFieldId", sheet.primaryFieldId());
            List<Object> fs = new ArrayList<>();
            for (SheetStore.FieldRow f : fields) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("id", f.id());
                fm.put("name", f.name());
                fm.put("type", f.type());
                if (f.items() != null) {
                    fm.put("items", Json.MAPPER.valueToTree(parse(f.items())));
                }
                fs.add(fm);
            }
            m.put("fields", fs);
            List<Object> vs = new ArrayList<>();
            for (SheetStore.ViewRow v : views) {
                Map<String, Object> vm = new LinkedHashMap<>();
                vm.put("id", v.id());
                vm.put("name", v.name());
                vm.put("type", v.type());
                vs.add(vm);
            }
            m.put("views", vs);
            return m;
        }

        Optional<SheetStore.FieldRow> field(String key, boolean byId) {
            return fields.stream().filter(f -> byId ? f.id().equals(key) : f.name().equals(key)).findFirst();
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("corrupt ksheet row", e);
        }
    }

    private static Table table(Handle h, String fileId, SheetStore.SheetRow s) {
        return new Table(s, SheetStore.fields(h, fileId, s.sheetId()), SheetStore.views(h, fileId, s.sheetId()));
    }

    static long sheetId(String raw) {
        try {
            long id = Long.parseLong(raw);
            if (id < 1) {
                throw ApiException.invalid("sheet_id must be positive");
            }
            return id;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("sheet_id must be an integer");
        }
    }

    private static Table dataTable(Handle h, String fileId, long sheetId) {
        SheetStore.SheetRow s = SheetStore.sheets(h, fileId).stream().filter(x -> x.sheetId() == sheetId).findFirst()
                .orElseThrow(() -> ApiException.invalid("sheet not found"));
        if (s.grid()) {
            throw ApiException.invalid("not a data table");
        }
        return table(h, fileId, s);
    }

    public Map<String, Object> schemas(Principal p, String fileId) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, false);
        return store.jdbi().withHandle(h -> {
            List<Object> out = new ArrayList<>();
            for (SheetStore.SheetRow s : SheetStore.sheets(h, f.fileId())) {
                if (!s.grid()) {
                    out.add(table(h, f.fileId(), s).json());
                }
            }
            return detail("sheets", out);
        });
    }

    private static String name(JsonNode obj, String what) {
        String n = Json.text(obj, "name").orElseThrow(() -> ApiException.invalid(what + " name is required")).trim();
        if (n.isEmpty() || n.length() > MAX_NAME) {
            throw ApiException.invalid(what + " name must be 1-" + MAX_NAME + " characters");
        }
        return n;
    }

    /** POST {@code ksheet/:ft/sheets}: a data table with its fields and views (§F2.4). */
    public Map<String, Object> createTable(Principal p, String fileId, JsonNode body) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, true);
        String name = name(body, "sheet");
        JsonNode fields = body.get("fields");
        JsonNode views = body.get("views");
        if (fields == null || !fields.isArray() || fields.isEmpty()) {
            throw ApiException.invalid("fields must be a non-empty array");
        }
        if (views == null || !views.isArray() || views.isEmpty()) {
            throw ApiException.invalid("views must be a non-empty array");
        }
        if (fields.size() > 500 || views.size() > 100) {
            throw ApiException.invalid("too many fields or views");
        }
        return store.jdbi().inTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            List<SheetStore.SheetRow> all = SheetStore.sheets(h, f.fileId());
            if (all.stream().anyMatch(s -> s.name().equals(name))) {
                throw ApiException.invalid("a sheet named " + name + " exists");
            }
            long sheetId = SheetStore.allocateSheetId(h, f.fileId());
            SheetStore.SheetRow sheet = new SheetStore.SheetRow(sheetId, all.size(), name, SheetStore.SheetRow.DB, null, 1);
            SheetStore.insertSheet(h, f.fileId(), sheet);
            List<SheetStore.FieldRow> created = addFields(h, f.fileId(), sheetId, fields, List.of());
            SheetStore.setPrimaryField(h, f.fileId(), sheetId, created.get(0).id());
            addViews(h, f.fileId(), sheetId, views, List.of(), created);
            SheetStore.SheetRow saved = new SheetStore.SheetRow(sheetId, all.size(), name, SheetStore.SheetRow.DB, created.get(0).id(), 0);
            return detail("sheet", table(h, f.fileId(), saved).json());
        });
    }

    private static List<SheetStore.FieldRow> addFields(Handle h, String fileId, long sheetId, JsonNode fields, List<SheetStore.FieldRow> existing) {
        Set<String> names = new HashSet<>();
        existing.forEach(x -> names.add(x.name()));
        int pos = existing.stream().mapToInt(SheetStore.FieldRow::pos).max().orElse(-1) + 1;
        List<SheetStore.FieldRow> out = new ArrayList<>();
        for (JsonNode fd : fields) {
            if (!fd.isObject()) {
                throw ApiException.invalid("each field must be an object");
            }
            String n = name(fd, "field");
            if (!names.add(n)) {
                throw ApiException.invalid("field name " + n + " is used twice");
            }
            String type = Json.text(fd, "type").orElseThrow(() -> ApiException.invalid("field type is required"));
            if (!FIELD_TYPES.contains(type)) {
                throw ApiException.invalid("unsupported field type");
            }
            String items = null;
            if (type.endsWith("Select")) {
                JsonNode in = fd.get("items");
                ArrayNode arr = NODES.arrayNode();
                Set<String> values = new HashSet<>();
                if (in != null && !in.isNull()) {
                    if (!in.isArray() || in.size() > 1000) {
                        throw ApiException.invalid("items must be an array of at most 1000 options");
                    }
                    long first = SheetStore.allocateSeq(h, fileId, sheetId, in.size());
                    int i = 0;
                    for (JsonNode it : in) {
                        String v = it.isObject() ? Json.text(it, "value").orElse(null) : it.isTextual() ? it.asText() : null;
                        if (v == null || v.isEmpty() || !values.add(v)) {
                            throw ApiException.invalid("each item needs a distinct non-empty value");
                        }
                        arr.addObject().put("id", id(first + i++)).put("value", v);
                    }
                }
                items = arr.toString();
            }
            SheetStore.FieldRow row = new SheetStore.FieldRow(id(SheetStore.allocateSeq(h, fileId, sheetId, 1)), pos++, n, type, items);
            SheetStore.insertField(h, fileId, sheetId, row);
            out.add(row);
        }
        return out;
    }

    private static List<SheetStore.ViewRow> addViews(Handle h, String fileId, long sheetId, JsonNode views, List<SheetStore.ViewRow> existing,
                                                     List<SheetStore.FieldRow> fields) {
        int pos = existing.stream().mapToInt(SheetStore.ViewRow::pos).max().orElse(-1) + 1;
        Set<String> names = new HashSet<>();
        existing.forEach(v -> names.add(v.name()));
        List<SheetStore.ViewRow> out = new ArrayList<>();
        for (JsonNode vd : views) {
            if (!vd.isObject()) {
                throw ApiException.invalid("each view must be an object");
            }
            String n = name(vd, "view");
            if (!names.add(n)) {
                throw ApiException.invalid("view name " + n + " is used twice");
            }
            String type = Json.text(vd, "type").orElse("grid");
            if (!VIEW_TYPES.contains(type)) {
                throw ApiException.invalid("view type must be grid, kanban or gallery");
            }
            if (type.equals("kanban") && fields.stream().noneMatch(x -> x.type().equals("SingleSelect"))) {
                throw ApiException.invalid("a kanban view needs a SingleSelect field");
            }
            SheetStore.ViewRow row = new SheetStore.ViewRow(id(SheetStore.allocateSeq(h, fileId, sheetId, 1)), pos++, n, type);
            SheetStore.insertView(h, fileId, sheetId, row);
            out.add(row);
        }
        return out;
    }

    /** DELETE {@code ksheet/:ft/sheets/:sheet_id}: any sheet but the document's last (30011). */
    public void deleteTable(Principal p, String fileId, String rawSheetId) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, true);
        long sheetId = sheetId(rawSheetId);
        store.jdbi().useTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            List<SheetStore.SheetRow> all = SheetStore.sheets(h, f.fileId());
            SheetStore.SheetRow s = all.stream().filter(x -> x.sheetId() == sheetId).findFirst()
                    .orElseThrow(() -> ApiException.invalid("sheet not found"));
            if (all.size() == 1) {
                throw new ApiException(ErrorCode.EXECUTE_FAILED, "the last sheet cannot be removed");
            }
            SheetStore.deleteSheet(h, f.fileId(), s);
        });
    }

    /** POST {@code …/fields}: adds fields ({@code {"fields":[{name,type,items?}]}}); answers them. */
    public Map<String, Object> addFields(Principal p, String fileId, String rawSheetId, JsonNode body) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, true);
        long sheetId = sheetId(rawSheetId);
        JsonNode fields = body.get("fields");
        if (fields == null || !fields.isArray() || fields.isEmpty() || fields.size() > 500) {
            throw ApiException.invalid("fields must be an array of 1-500 fields");
        }
        return store.jdbi().inTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            Table t = dataTable(h, f.fileId(), sheetId);
            List<SheetStore.FieldRow> created = addFields(h, f.fileId(), sheetId, fields, t.fields());
            return detail("fields", new Table(t.sheet(), created, List.of()).json().get("fields"));
        });
    }

    /** POST {@code …/views}: adds views ({@code {"views":[{name,type}]}}); answers them. */
    public Map<String, Object> addViews(Principal p, String fileId, String rawSheetId, JsonNode body) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, true);
        long sheetId = sheetId(rawSheetId);
        JsonNode views = body.get("views");
        if (views == null || !views.isArray() || views.isEmpty() || views.size() > 100) {
            throw ApiException.invalid("views must be an array of 1-100 views");
        }
        return store.jdbi().inTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            Table t = dataTable(h, f.fileId(), sheetId);
            List<SheetStore.ViewRow> created = addViews(h, f.fileId(), sheetId, views, t.views(), t.fields());
            return detail("views", new Table(t.sheet(), List.of(), created).json().get("views"));
        });
    }

    /** DELETE {@code …/fields}: {@code {"fields":[{"id":"H"}]}} or {@code ["H"]}; the primary field → 30011. */
    public void deleteFields(Principal p, String fileId, String rawSheetId, JsonNode body) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, true);
        long sheetId = sheetId(rawSheetId);
        List<String> ids = idList(body, "fields");
        store.jdbi().useTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            Table t = dataTable(h, f.fileId(), sheetId);
            for (String id : ids) {
                if (t.field(id, true).isEmpty()) {
                    throw ApiException.invalid("field not found: " + id);
                }
                if (id.equals(t.sheet().primaryFieldId())) {
                    throw new ApiException(ErrorCode.EXECUTE_FAILED, "the primary field cannot be removed");
                }
                SheetStore.deleteField(h, f.fileId(), sheetId, id);
            }
            // values of removed fields leave the records with them
            Set<String> gone = new HashSet<>(ids);
            forEachRecord(h, f.fileId(), sheetId, r -> {
                ObjectNode values = (ObjectNode) parse(r.fields());
                List<String> drop = new ArrayList<>();
                values.fieldNames().forEachRemaining(k -> {
                    if (gone.contains(k)) {
                        drop.add(k);
                    }
                });
                if (!drop.isEmpty()) {
                    values.remove(drop);
                    SheetStore.updateRecord(h, f.fileId(), sheetId, r.id(), values.toString());
                }
            });
        });
    }

    /** DELETE {@code …/views/:view_id}: the last view → 30011. */
    public void deleteView(Principal p, String fileId, String rawSheetId, String viewId) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, true);
        long sheetId = sheetId(rawSheetId);
        store.jdbi().useTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            Table t = dataTable(h, f.fileId(), sheetId);
            if (t.views().stream().noneMatch(v -> v.id().equals(viewId))) {
                throw ApiException.invalid("view not found");
            }
            if (t.views().size() == 1) {
                throw new ApiException(ErrorCode.EXECUTE_FAILED, "the last view cannot be removed");
            }
            SheetStore.deleteView(h, f.fileId(), sheetId, viewId);
        });
    }

    /** Ids given as {@code ["H"]} or {@code [{"id":"H"}]} (§F2.4, §F2.5), 1-1000 of them. */
    private static List<String> idList(JsonNode body, String key) {
        JsonNode arr = body.get(key);
        if (arr == null || !arr.isArray() || arr.isEmpty() || arr.size() > MAX_RECORDS_PER_WRITE) {
            throw ApiException.invalid(key + " must be an array of 1-" + MAX_RECORDS_PER_WRITE + " ids");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : arr) {
            String id = n.isTextual() ? n.asText() : n.isObject() ? Json.text(n, "id").orElse(null) : null;
            if (id == null || id.isEmpty()) {
                throw ApiException.invalid(key + " must hold ids");
            }
            out.add(id);
        }
        return out;
    }

    private static void forEachRecord(Handle h, String fileId, long sheetId, java.util.function.Consumer<SheetStore.RecordRow> each) {
        long after = -1;
        while (true) {
            List<SheetStore.RecordRow> chunk = SheetStore.records(h, fileId, sheetId, after, 0, 500);
            chunk.forEach(each);
            if (chunk.size() < 500) {
                return;
            }
            after = chunk.get(chunk.size() - 1).seq();
        }
    }

    // ---- records (§F2.5)

    /** The values of a request's {@code fields} object, checked against the table, keyed by field id. */
    private static ObjectNode values(Handle h, String fileId, Table t, JsonNode given, boolean preferId, ObjectNode into) {
        if (given == null || !given.isObject()) {
            throw ApiException.invalid("each record needs a fields object");
        }
        for (Map.Entry<String, JsonNode> e : given.properties()) {
            SheetStore.FieldRow f = t.field(e.getKey(), preferId).orElseThrow(() -> ApiException.invalid("unknown field " + e.getKey()));
            JsonNode v = e.getValue();
            if (v == null || v.isNull()) {
                into.remove(f.id());
                continue;
            }
            into.set(f.id(), value(h, fileId, t, f, v, preferId));
        }
        return into;
    }

    @SuppressWarnings("RefactorSwitch") // the switch mixes statements and yields on purpose: one case per operation
    private static JsonNode value(Handle h, String fileId, Table t, SheetStore.FieldRow f, JsonNode v, boolean preferId) {
        String bad = "value of " + f.name() + " must be ";
        switch (f.type()) {
            case "SingleLineText", "MultiLineText", "Url", "Date" -> {
                if (!v.isValueNode()) {
                    throw ApiException.invalid(bad + "text");
                }
                if (v.asText().length() > 100_000) {
                    throw ApiException.invalid(bad + "at most 100000 characters");
                }
                return v.isNumber() && f.type().equals("Date") ? v : NODES.textNode(v.asText());
            }
            case "Number" -> {
                if (v.isNumber()) {
                    return v;
                }
                if (v.isTextual() && v.asText().trim().matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?")) {
                    return NODES.numberNode(new java.math.BigDecimal(v.asText().trim()));
                }
                throw ApiException.invalid(bad + "a number");
            }
            case "Checkbox" -> {
                if (!v.isBoolean()) {
                    throw ApiException.invalid(bad + "true or false");
                }
                return v;
            }
            case "SingleSelect" -> {
                if (!v.isTextual()) {
                    throw ApiException.invalid(bad + "an option");
                }
                return NODES.textNode(option(f, v.asText(), preferId));
            }
            case "MultipleSelect" -> {
                ArrayNode out = NODES.arrayNode();
                for (JsonNode o : v.isArray() ? v : NODES.arrayNode().add(v)) {
                    if (!o.isTextual()) {
                        throw ApiException.invalid(bad + "a list of options");
                    }
                    out.add(option(f, o.asText(), preferId));
                }
                return out;
            }
            case "Link" -> {
                // §F2.1: an object with recordIds; ids that name no record of the table are ignored
                if (!v.isObject() || !v.path("recordIds").isArray()) {
                    throw ApiException.invalid(bad + "{\"recordIds\":[...]}");
                }
                ArrayNode ids = NODES.arrayNode();
                Set<String> seen = new HashSet<>();
                for (JsonNode id : v.get("recordIds")) {
                    if (id.isTextual() && seen.add(id.asText()) && seen.size() <= 1000
                            && SheetStore.record(h, fileId, t.sheet().sheetId(), id.asText()).isPresent()) {
                        ids.add(id.asText());
                    }
                }
                ObjectNode o = NODES.objectNode();
                o.set("recordIds", ids);
                return o;
            }
            case "Attachment" -> {
                // §F2.1: uploadId and fileName required; a source other than upload_ks3/cloud skips the element
                if (!v.isArray() || v.size() > 100) {
                    throw ApiException.invalid(bad + "an array of at most 100 attachments");
                }
                ArrayNode out = NODES.arrayNode();
                for (JsonNode a : v) {
                    if (!a.isObject() || !a.path("uploadId").isTextual() || !a.path("fileName").isTextual()) {
                        throw ApiException.invalid(bad + "attachments with uploadId and fileName");
                    }
                    String source = a.path("source").isTextual() ? a.get("source").asText() : "upload_ks3";
                    if (!source.equals("upload_ks3") && !source.equals("cloud")) {
                        continue;
                    }
                    ObjectNode o = out.addObject().put("uploadId", a.get("uploadId").asText()).put("fileName", a.get("fileName").asText())
                            .put("source", source);
                    if (a.has("type") && a.get("type").isValueNode()) {
                        o.put("type", a.get("type").asText());
                    }
                    if (a.has("size") && a.get("size").isNumber()) {
                        o.set("size", a.get("size"));
                    }
                }
                return out;
            }
            default -> throw new IllegalStateException(f.type());
        }
    }

    /** A select option's id, given its value (or id with preferId); unknown → 10001. */
    private static String option(SheetStore.FieldRow f, String given, boolean preferId) {
        for (JsonNode it : parse(f.items() == null ? "[]" : f.items())) {
            if (given.equals(preferId ? it.path("id").asText() : it.path("value").asText())) {
                return it.path("id").asText();
            }
        }
        throw ApiException.invalid("unknown option " + given + " of " + f.name());
    }

    /** A stored record as the wire shows it: fields by name (or id with preferId), options by value (or id). */
    private static Map<String, Object> recordJson(Table t, SheetStore.RecordRow r, boolean preferId, Set<String> only) {
        JsonNode stored = parse(r.fields());
        Map<String, Object> fields = new LinkedHashMap<>();
        for (SheetStore.FieldRow f : t.fields()) {
            JsonNode v = stored.get(f.id());
            String key = preferId ? f.id() : f.name();
            if (v == null || v.isNull() || (only != null && !only.contains(key))) {
                continue; // empty fields are omitted (§F2.5)
            }
            if (!preferId && f.type().endsWith("Select")) {
                Map<String, String> byId = new HashMap<>();
                parse(f.items()).forEach(it -> byId.put(it.path("id").asText(), it.path("value").asText()));
                if (v.isArray()) {
                    ArrayNode names = NODES.arrayNode();
                    v.forEach(x -> names.add(byId.getOrDefault(x.asText(), x.asText())));
                    v = names;
                } else {
                    v = NODES.textNode(byId.getOrDefault(v.asText(), v.asText()));
                }
            }
            fields.put(key, v);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("fields", fields);
        return m;
    }

    /** POST records: all or nothing, answered in request order (§F2.5). */
    public Map<String, Object> createRecords(Principal p, String fileId, String rawSheetId, JsonNode body, boolean preferId) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, true);
        long sheetId = sheetId(rawSheetId);
        JsonNode records = recordArray(body);
        return store.jdbi().inTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            Table t = dataTable(h, f.fileId(), sheetId);
            long first = SheetStore.allocateSeq(h, f.fileId(), sheetId, records.size());
            List<Object> out = new ArrayList<>();
            int i = 0;
            for (JsonNode rec : records) {
                if (!rec.isObject()) {
                    throw ApiException.invalid("each record must be an object");
                }
                long seq = first + i++;
                ObjectNode values = values(h, f.fileId(), t, rec.get("fields"), preferId, NODES.objectNode());
                SheetStore.RecordRow row = new SheetStore.RecordRow(id(seq), seq, values.toString());
                SheetStore.insertRecord(h, f.fileId(), sheetId, row);
                out.add(recordJson(t, row, preferId, null));
            }
            return detail("records", out);
        });
    }

    private static JsonNode recordArray(JsonNode body) {
        JsonNode records = body.get("records");
        if (records == null || !records.isArray() || records.isEmpty() || records.size() > MAX_RECORDS_PER_WRITE) {
            throw ApiException.invalid("records must be an array of 1-" + MAX_RECORDS_PER_WRITE + " records");
        }
        return records;
    }

    /** PUT records: only the named fields change; an unknown id fails the whole request (§F2.5). */
    public Map<String, Object> updateRecords(Principal p, String fileId, String rawSheetId, JsonNode body, boolean preferId) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, true);
        long sheetId = sheetId(rawSheetId);
        JsonNode records = recordArray(body);
        return store.jdbi().inTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            Table t = dataTable(h, f.fileId(), sheetId);
            List<Object> out = new ArrayList<>();
            for (JsonNode rec : records) {
                String id = rec.isObject() ? Json.text(rec, "id").orElseThrow(() -> ApiException.invalid("each record needs an id")) : null;
                if (id == null) {
                    throw ApiException.invalid("each record must be an object");
                }
                SheetStore.RecordRow old = SheetStore.record(h, f.fileId(), sheetId, id)
                        .orElseThrow(() -> ApiException.invalid("record not found: " + id));
                ObjectNode values = values(h, f.fileId(), t, rec.get("fields"), preferId, (ObjectNode) parse(old.fields()));
                SheetStore.updateRecord(h, f.fileId(), sheetId, id, values.toString());
                out.add(recordJson(t, new SheetStore.RecordRow(id, old.seq(), values.toString()), preferId, null));
            }
            return detail("records", out);
        });
    }

    /** DELETE records: {@code ["PP"]} or {@code [{"id":"PP"}]}; unknown ids fail the request. */
    public Map<String, Object> deleteRecords(Principal p, String fileId, String rawSheetId, JsonNode body) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, true);
        long sheetId = sheetId(rawSheetId);
        List<String> ids = idList(body, "records");
        return store.jdbi().inTransaction(h -> {
            SheetStore.lockForWrite(h, f.fileId());
            dataTable(h, f.fileId(), sheetId);
            List<Object> out = new ArrayList<>();
            for (String id : new java.util.LinkedHashSet<>(ids)) {
                if (SheetStore.record(h, f.fileId(), sheetId, id).isEmpty()) {
                    throw ApiException.invalid("record not found: " + id);
                }
                SheetStore.deleteRecord(h, f.fileId(), sheetId, id);
                Map<String, Object> gone = new LinkedHashMap<>();
                gone.put("id", id);
                gone.put("deleted", true);
                out.add(gone);
            }
            return detail("records", out);
        });
    }

    public Map<String, Object> record(Principal p, String fileId, String rawSheetId, String recordId, boolean preferId) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, false);
        long sheetId = sheetId(rawSheetId);
        return store.jdbi().withHandle(h -> {
            Table t = dataTable(h, f.fileId(), sheetId);
            SheetStore.RecordRow r = SheetStore.record(h, f.fileId(), sheetId, recordId)
                    .orElseThrow(() -> ApiException.invalid("record not found"));
            return detail("record", recordJson(t, r, preferId, null));
        });
    }

    /** The listing parameters of GET records (§F2.5) and complex_query. */
    public record Query(boolean preferId, int pageSize, Long maxRecords, List<String> fields, String offset, Long pageNum,
                        String viewId, JsonNode filter) {
    }

    /**
     * One page of records in creation order. The cursor names the last record returned and how many were returned
     * so far (for maxRecords), so each page's cursor is new; it is absent on the last page (§F2.5).
     */
    public Map<String, Object> list(Principal p, String fileId, String rawSheetId, Query q) {
        FileRecord f = sheets.document(p, fileId, SheetService.Family.KSHEET, false);
        long sheetId = sheetId(rawSheetId);
        if (q.pageSize() < 1 || q.pageSize() > 1000) {
            throw ApiException.invalid("pageSize must be 1-1000");
        }
        if (q.maxRecords() != null && q.maxRecords() < 1) {
            throw ApiException.invalid("maxRecords must be at least 1");
        }
        if (q.pageNum() != null && q.pageNum() < 1) {
            throw ApiException.invalid("pageNum must be at least 1");
        }
        long afterSeq = -1;
        long returned = 0;
        if (q.pageNum() == null && q.offset() != null && !q.offset().isEmpty()) {
            String[] parts = q.offset().split("-", -1);
            if (parts.length != 2 || seqOf(parts[0]) < 0 || seqOf(parts[1]) < 0) {
                throw ApiException.invalid("offset is not a cursor of this listing");
            }
            afterSeq = seqOf(parts[0]);
            returned = seqOf(parts[1]);
        }
        final long after0 = afterSeq;
        final long returned0 = returned;
        return store.jdbi().withHandle(h -> {
            Table t = dataTable(h, f.fileId(), sheetId);
            if (q.viewId() != null && !q.viewId().isEmpty() && t.views().stream().noneMatch(v -> v.id().equals(q.viewId()))) {
                throw ApiException.invalid("view not found");
            }
            Set<String> only = q.fields().isEmpty() ? null : new HashSet<>(q.fields());
            if (only != null) {
                for (String k : only) {
                    if (t.field(k, q.preferId()).isEmpty()) {
                        throw ApiException.invalid("unknown field " + k);
                    }
                }
            }
            RecordFilter filter = RecordFilter.of(q.filter(), t.fields(), q.preferId());
            long room = q.maxRecords() == null ? Long.MAX_VALUE : q.maxRecords() - returned0;
            int want = (int) Math.min(q.pageSize(), Math.max(room, 0));
            long skip = q.pageNum() == null ? 0 : (q.pageNum() - 1) * q.pageSize();
            if (q.pageNum() != null) {
                want = (int) Math.min(q.pageSize(), Math.max(0, (q.maxRecords() == null ? Long.MAX_VALUE : q.maxRecords()) - skip));
            }
            List<SheetStore.RecordRow> page = new ArrayList<>();
            boolean more = false;
            long after = after0;
            long skipped = 0;
            scan:
            while (true) {
                List<SheetStore.RecordRow> chunk = SheetStore.records(h, f.fileId(), sheetId, after, 0, 500);
                for (SheetStore.RecordRow r : chunk) {
                    after = r.seq();
                    if (!filter.matches(parse(r.fields()))) {
                        continue;
                    }
                    if (skipped < skip) {
                        skipped++;
                        continue;
                    }
                    if (page.size() == want) {
                        more = true;
                        break scan;
                    }
                    page.add(r);
                }
                if (chunk.size() < 500) {
                    break;
                }
            }
            List<Object> out = new ArrayList<>();
            for (SheetStore.RecordRow r : page) {
                out.add(recordJson(t, r, q.preferId(), only));
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("records", out);
            long total = returned0 + page.size();
            boolean underMax = q.maxRecords() == null || total < q.maxRecords();
            if (q.pageNum() == null && more && underMax && !page.isEmpty()) {
                d.put("offset", id(page.get(page.size() - 1).seq()) + "-" + id(total));
            }
            return Map.of("detail", d);
        });
    }
}
