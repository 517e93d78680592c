package io.yundoc.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Light tables ({@code .dbt}, docs/api-families.md §F2) and their webhooks, called with the user's access token.
 * Obtain it from {@link YundocClient#tables()}. Data-table answers are unwrapped from {@code data.detail} (§F2.3).
 *
 * <pre>{@code
 * Tables t = client.tables();
 * Tables.Sheet orders = t.createSheet(ft, Tables.SheetSpec.named("orders")
 *         .field("名称", "SingleLineText").field("数量", "Number").view("all", "grid"));
 * t.createRecords(ft, orders.id(), List.of(Map.of("名称", "item1", "数量", 3)));
 * Tables.RecordPage page = t.records(ft, orders.id(), Tables.RecordQuery.all()
 *         .where("数量", "Greater", "2").pageSize(100));
 * }</pre>
 */
public final class Tables {
    private static final String BASE = "/api/v1/openapi/dbt/";
    private final Transport t;

    Tables(Transport t) {
        this.t = t;
    }

    // ---- models --------------------------------------------------------------------------------------------------

    /** One option of a select field. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Item(
            @JsonProperty("id") String id,
            @JsonProperty("value") String value) {}

    /** A field: id, name, type ({@code SingleLineText}, {@code Number}, …), options of select fields. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Field(
            @JsonProperty("id") String id,
            @JsonProperty("name") String name,
            @JsonProperty("type") String type,
            @JsonProperty("items") List<Item> items,
            @JsonProperty("linkSheet") Integer linkSheet) {
        public Field {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    /** A view: id, name, type ({@code grid}, {@code kanban}, {@code gallery}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record View(
            @JsonProperty("id") String id,
            @JsonProperty("name") String name,
            @JsonProperty("type") String type) {}

    /** A data table with its fields and views. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sheet(
            @JsonProperty("id") int id,
            @JsonProperty("name") String name,
            @JsonProperty("primaryFieldId") String primaryFieldId,
            @JsonProperty("fields") List<Field> fields,
            @JsonProperty("views") List<View> views) {
        public Sheet {
            fields = fields == null ? List.of() : List.copyOf(fields);
            views = views == null ? List.of() : List.copyOf(views);
        }

        /** The field named {@code name}, or null. */
        public Field field(String name) {
            return fields.stream()
                    .filter(f -> f.name().equals(name))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** A record: its id and its non-empty values by field name (or id, with preferId). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @SuppressWarnings("AvoidCommonTypeNames") // the API calls them records; always used as Tables.Record
    public record Record(
            @JsonProperty("id") String id,
            @JsonProperty("fields") Map<String, JsonNode> fields) {
        public Record {
            fields = fields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /** A value as text ({@code null} when empty). */
        public String text(String field) {
            JsonNode v = fields.get(field);
            return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
        }
    }

    /** One page of records; {@link #offset} is null on the last page. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RecordPage(
            @JsonProperty("records") List<Record> records,
            @JsonProperty("offset") String offset) {
        public RecordPage {
            records = records == null ? List.of() : List.copyOf(records);
        }

        public boolean hasMore() {
            return offset != null;
        }
    }

    /** A webhook subscription as {@code webhook/mine} lists it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Webhook(
            @JsonProperty("webhook_id") String webhookId,
            @JsonProperty("event") String event,
            @JsonProperty("sheet_id") int sheetId,
            @JsonProperty("view_id") String viewId,
            @JsonProperty("callback_url") String callbackUrl,
            @JsonProperty("fields") List<String> fields,
            @JsonProperty("records") List<String> records,
            @JsonProperty("ctime") long ctime) {}

    // ---- builders ------------------------------------------------------------------------------------------------

    /** The body of a new table: a name, fields (the first is the primary field) and views. */
    public static final class SheetSpec {
        private final String name;
        private final List<Map<String, Object>> fields = new ArrayList<>();
        private final List<Map<String, Object>> views = new ArrayList<>();

        private SheetSpec(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public static SheetSpec named(String name) {
            return new SheetSpec(name);
        }

        public SheetSpec field(String name, String type) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", name);
            f.put("type", type);
            fields.add(f);
            return this;
        }

        /** A {@code SingleSelect} (or, with {@code multiple}, {@code MultipleSelect}) field with its options. */
        public SheetSpec selectField(String name, boolean multiple, String... options) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", name);
            f.put("type", multiple ? "MultipleSelect" : "SingleSelect");
            List<Map<String, String>> items = new ArrayList<>();
            for (String o : options) {
                items.add(Map.of("value", o));
            }
            f.put("items", items);
            fields.add(f);
            return this;
        }

        public SheetSpec view(String name, String type) {
            views.add(Map.of("name", name, "type", type));
            return this;
        }

        ObjectNode json() {
            ObjectNode n = YundocClient.object();
            n.put("name", name);
            n.set("views", Transport.JSON.valueToTree(views));
            n.set("fields", Transport.JSON.valueToTree(fields));
            return n;
        }

        ArrayNode fieldsJson() {
            return Transport.JSON.valueToTree(fields);
        }
    }

    /** What to read: paging, view, fields, and a filter (sent as {@code complex_query} when present). */
    public static final class RecordQuery {
        private Integer pageSize;
        private String viewId;
        private Long maxRecords;
        private final List<String> fields = new ArrayList<>();
        private String offset;
        private Long pageNum;
        private boolean preferId;
        private String mode = "AND";
        private final List<Map<String, Object>> criteria = new ArrayList<>();

        private RecordQuery() {}

        public static RecordQuery all() {
            return new RecordQuery();
        }

        public RecordQuery pageSize(int n) {
            this.pageSize = n;
            return this;
        }

        public RecordQuery view(String viewId) {
            this.viewId = viewId;
            return this;
        }

        public RecordQuery maxRecords(long n) {
            this.maxRecords = n;
            return this;
        }

        public RecordQuery fields(String... names) {
            fields.addAll(List.of(names));
            return this;
        }

        /** Continue after a page: its {@link RecordPage#offset()}. */
        public RecordQuery offset(String offset) {
            this.offset = offset;
            return this;
        }

        public RecordQuery pageNum(long n) {
            this.pageNum = n;
            return this;
        }

        public RecordQuery preferId(boolean v) {
            this.preferId = v;
            return this;
        }

        /** Criteria combine with OR instead of AND. */
        public RecordQuery anyOf() {
            this.mode = "OR";
            return this;
        }

        /** A criterion: {@code op} ∈ Equals, NotEqu, Contains, NotContains, Greater, Less, Empty, NotEmpty. */
        public RecordQuery where(String field, String op, String... values) {
            criteria.add(Map.of("field", field, "op", op, "values", List.of(values)));
            return this;
        }

        RecordQuery copyWithOffset(String next) {
            RecordQuery q = new RecordQuery();
            q.pageSize = pageSize;
            q.viewId = viewId;
            q.maxRecords = maxRecords;
            q.fields.addAll(fields);
            q.offset = next;
            q.preferId = preferId;
            q.mode = mode;
            q.criteria.addAll(criteria);
            return q;
        }
    }

    // ---- calls ---------------------------------------------------------------------------------------------------

    private static String path(String fileToken, String rest) {
        return BASE + ApiRequest.enc(Objects.requireNonNull(fileToken, "file token")) + rest;
    }

    private JsonNode detail(ApiRequest r) {
        JsonNode data = t.call(r, JsonNode.class);
        return data == null ? null : data.path("detail");
    }

    private static <T> T as(JsonNode n, Class<T> type) {
        try {
            return Transport.JSON.treeToValue(n, type);
        } catch (JsonProcessingException e) {
            throw new YundocClientException("unexpected answer: " + e.getOriginalMessage(), e);
        }
    }

    private static ApiRequest with(String method, String path, ObjectNode body) {
        return new ApiRequest(method, path, ApiRequest.Auth.TOKEN).json(YundocClient.bytes(body));
    }

    /** {@code GET dbt/:ft/schemas}: every table with its fields and views. */
    public List<Sheet> schemas(String fileToken) {
        List<Sheet> out = new ArrayList<>();
        detail(new ApiRequest("GET", path(fileToken, "/schemas"), ApiRequest.Auth.TOKEN))
                .path("sheets")
                .forEach(s -> out.add(as(s, Sheet.class)));
        return out;
    }

    /** {@code POST dbt/:ft/sheets}. */
    public Sheet createSheet(String fileToken, SheetSpec spec) {
        return as(detail(with("POST", path(fileToken, "/sheets"), spec.json())).path("sheet"), Sheet.class);
    }

    /** {@code DELETE dbt/:ft/sheets/:sheet_id}. */
    public void deleteSheet(String fileToken, int sheetId) {
        t.call(new ApiRequest("DELETE", path(fileToken, "/sheets/" + sheetId), ApiRequest.Auth.TOKEN), JsonNode.class);
    }

    /** {@code POST dbt/:ft/sheets/:sheet_id/fields}: the fields of {@code spec} (its name and views are ignored). */
    public List<Field> createFields(String fileToken, int sheetId, SheetSpec spec) {
        ObjectNode b = YundocClient.object();
        b.set("fields", spec.fieldsJson());
        List<Field> out = new ArrayList<>();
        detail(with("POST", path(fileToken, "/sheets/" + sheetId + "/fields"), b))
                .path("fields")
                .forEach(f -> out.add(as(f, Field.class)));
        return out;
    }

    /** One page of records: {@code GET …/records}, or {@code POST …/records/complex_query} when the query filters. */
    public RecordPage records(String fileToken, int sheetId, RecordQuery q) {
        String base = "/sheets/" + sheetId + "/records";
        if (q.criteria.isEmpty()) {
            ApiRequest r = new ApiRequest("GET", path(fileToken, base), ApiRequest.Auth.TOKEN)
                    .query("preferId", q.preferId ? "true" : null)
                    .query("pageSize", q.pageSize)
                    .query("viewId", q.viewId)
                    .query("maxRecords", q.maxRecords)
                    .query("fields", q.fields.isEmpty() ? null : String.join(",", q.fields))
                    .query("offset", q.offset)
                    .query("pageNum", q.pageNum);
            return as(detail(r), RecordPage.class);
        }
        ObjectNode b = YundocClient.object();
        if (q.preferId) {
            b.put("preferId", true);
        }
        if (q.pageSize != null) {
            b.put("pageSize", q.pageSize);
        }
        if (q.viewId != null) {
            b.put("viewId", q.viewId);
        }
        if (q.maxRecords != null) {
            b.put("maxRecords", q.maxRecords);
        }
        if (!q.fields.isEmpty()) {
            b.set("fields", Transport.JSON.valueToTree(q.fields));
        }
        if (q.offset != null) {
            b.put("offset", q.offset);
        }
        if (q.pageNum != null) {
            b.put("pageNum", q.pageNum);
        }
        ObjectNode filter = b.putObject("filter");
        filter.put("mode", q.mode);
        filter.set("criteria", Transport.JSON.valueToTree(q.criteria));
        ApiRequest r = with("POST", path(fileToken, base + "/complex_query"), b);
        r.idempotent = true; // a query changes nothing
        return as(detail(r), RecordPage.class);
    }

    /** Every record the query matches, page by page. */
    public List<Record> allRecords(String fileToken, int sheetId, RecordQuery q) {
        List<Record> out = new ArrayList<>();
        RecordQuery next = q;
        while (true) {
            RecordPage p = records(fileToken, sheetId, next);
            out.addAll(p.records());
            if (!p.hasMore()) {
                return out;
            }
            next = q.copyWithOffset(p.offset());
        }
    }

    /** {@code GET …/records/:record_id}. */
    public Record record(String fileToken, int sheetId, String recordId) {
        return as(
                detail(new ApiRequest(
                                "GET",
                                path(fileToken, "/sheets/" + sheetId + "/records/" + ApiRequest.enc(recordId)),
                                ApiRequest.Auth.TOKEN))
                        .path("record"),
                Record.class);
    }

    private List<Record> recordList(JsonNode detail) {
        List<Record> out = new ArrayList<>();
        detail.path("records").forEach(r -> out.add(as(r, Record.class)));
        return out;
    }

    /** {@code POST …/records}: values by field name; the created records in the same order. */
    public List<Record> createRecords(String fileToken, int sheetId, List<Map<String, ?>> records) {
        ArrayNode arr = Transport.JSON.createArrayNode();
        for (Map<String, ?> r : records) {
            arr.addObject().set("fields", Transport.JSON.valueToTree(r));
        }
        ObjectNode b = YundocClient.object();
        b.set("records", arr);
        return recordList(detail(with("POST", path(fileToken, "/sheets/" + sheetId + "/records"), b)));
    }

    /** {@code PUT …/records}: record id → the values to set (other fields keep theirs). */
    public List<Record> updateRecords(String fileToken, int sheetId, Map<String, Map<String, ?>> changes) {
        ArrayNode arr = Transport.JSON.createArrayNode();
        changes.forEach((id, values) -> {
            ObjectNode r = arr.addObject();
            r.put("id", id);
            r.set("fields", Transport.JSON.valueToTree(values));
        });
        ObjectNode b = YundocClient.object();
        b.set("records", arr);
        return recordList(detail(with("PUT", path(fileToken, "/sheets/" + sheetId + "/records"), b)));
    }

    /** {@code DELETE …/records}. */
    public void deleteRecords(String fileToken, int sheetId, List<String> recordIds) {
        ObjectNode b = YundocClient.object();
        b.set("records", Transport.JSON.valueToTree(recordIds));
        detail(with("DELETE", path(fileToken, "/sheets/" + sheetId + "/records"), b));
    }

    /**
     * A webhook subscription: {@code event} is the route's last segments ({@code records/create},
     * {@code cells/fields/update}, {@code remove}, …); {@code ids} the field or record ids of the cells events.
     * Returns the webhook id.
     */
    public String subscribe(String fileToken, int sheetId, String event, String callbackUrl, List<String> ids) {
        ObjectNode b = YundocClient.object();
        b.put("callback_url", callbackUrl);
        if (event.equals("cells/fields/update")) {
            b.set("fields", Transport.JSON.valueToTree(ids));
        } else if (event.equals("cells/records/update")) {
            b.set("records", Transport.JSON.valueToTree(ids));
        }
        JsonNode data =
                t.call(with("POST", path(fileToken, "/webhook/sheets/" + sheetId + "/" + event), b), JsonNode.class);
        return data.path("webhook_id").asText();
    }

    /** {@code GET dbt/:ft/webhook/mine}. */
    public List<Webhook> webhooks(String fileToken) {
        List<Webhook> out = new ArrayList<>();
        t.call(new ApiRequest("GET", path(fileToken, "/webhook/mine"), ApiRequest.Auth.TOKEN), JsonNode.class)
                .path("webhooks")
                .forEach(w -> out.add(as(w, Webhook.class)));
        return out;
    }

    /** {@code DELETE dbt/:ft/webhook/:webhook_id}. */
    public void unsubscribe(String fileToken, String webhookId) {
        t.call(
                new ApiRequest(
                        "DELETE", path(fileToken, "/webhook/" + ApiRequest.enc(webhookId)), ApiRequest.Auth.TOKEN),
                JsonNode.class);
    }
}
