package io.yundoc.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.server.core.ApiException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code filter} of {@code records/complex_query} (docs/api-families.md §F2.5): {@code mode} AND or OR over
 * criteria {@code {field, op, values}}. Values are compared with a cell's texts ({@link FieldValues#texts}); Greater and
 * Less compare numbers when both sides are numbers, text otherwise.
 */
final class RecordFilter {
    static final Set<String> OPS =
            Set.of("Equals", "NotEqu", "Contains", "NotContains", "Greater", "Less", "Empty", "NotEmpty");
    static final int MAX_CRITERIA = 100;

    record Criterion(RecordStore.Field field, String op, List<String> values) {}

    private final boolean and;
    private final List<Criterion> criteria;
    /** Set when this filter is two filters that must both match (a view's and a request's). */
    private final RecordFilter left;

    private final RecordFilter right;

    private RecordFilter(boolean and, List<Criterion> criteria) {
        this.and = and;
        this.criteria = criteria;
        this.left = null;
        this.right = null;
    }

    private RecordFilter(RecordFilter left, RecordFilter right) {
        this.and = true;
        this.criteria = List.of();
        this.left = left;
        this.right = right;
    }

    /** Null for no filter; fields are named by name, or by id with {@code preferId} (either is accepted). */
    static RecordFilter parse(JsonNode n, Map<String, RecordStore.Field> byKey) {
        return parse(n, byKey, false);
    }

    /**
     * A view's stored filter (fields by id): criteria on fields deleted since are left out, so deleting a field
     * widens the views that filtered on it instead of breaking them.
     */
    static RecordFilter stored(JsonNode n, Map<String, RecordStore.Field> byId) {
        return parse(n, byId, true);
    }

    /** Both filters (either may be null). */
    static RecordFilter both(RecordFilter a, RecordFilter b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return new RecordFilter(a, b);
    }

    /** The stored form of this filter: {@code {mode, criteria:[{field: id, op, values}]}}. */
    ObjectNode toStored() {
        var f = JsonNodeFactory.instance;
        var o = f.objectNode().put("mode", and ? "AND" : "OR");
        var cs = o.putArray("criteria");
        for (Criterion c : criteria) {
            var co = cs.addObject().put("field", c.field().fieldId()).put("op", c.op());
            var vs = co.putArray("values");
            c.values().forEach(vs::add);
        }
        return o;
    }

    private static RecordFilter parse(JsonNode n, Map<String, RecordStore.Field> byKey, boolean skipUnknown) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (!n.isObject()) {
            throw ApiException.invalid("filter must be an object");
        }
        String mode = n.path("mode").isMissingNode() ? "AND" : n.path("mode").asText();
        if (!mode.equals("AND") && !mode.equals("OR")) {
            throw ApiException.invalid("filter.mode must be AND or OR");
        }
        JsonNode cs = n.path("criteria");
        if (!cs.isArray()) {
            throw ApiException.invalid("filter.criteria must be an array");
        }
        if (cs.size() > MAX_CRITERIA) {
            throw ApiException.invalid("filter.criteria: at most " + MAX_CRITERIA);
        }
        List<Criterion> out = new ArrayList<>();
        for (JsonNode c : cs) {
            if (!c.isObject() || !c.path("field").isTextual() || !c.path("op").isTextual()) {
                throw ApiException.invalid("each filter criterion needs field and op");
            }
            RecordStore.Field f = byKey.get(c.get("field").asText());
            if (f == null && skipUnknown) {
                continue;
            }
            if (f == null) {
                throw ApiException.invalid(
                        "filter names no field " + c.get("field").asText());
            }
            String op = c.get("op").asText();
            if (!OPS.contains(op)) {
                throw ApiException.invalid("filter op must be one of " + new TreeSet<>(OPS));
            }
            List<String> values = new ArrayList<>();
            JsonNode vs = c.path("values");
            if (!vs.isMissingNode() && !vs.isNull()) {
                if (!vs.isArray() || vs.size() > 100) {
                    throw ApiException.invalid("filter values must be an array of at most 100");
                }
                for (JsonNode v : vs) {
                    if (!v.isValueNode() || v.isNull()) {
                        throw ApiException.invalid("filter values must be strings or numbers");
                    }
                    values.add(
                            v.isNumber() ? v.decimalValue().stripTrailingZeros().toPlainString() : v.asText());
                }
            }
            if (values.isEmpty() && !op.equals("Empty") && !op.equals("NotEmpty")) {
                throw ApiException.invalid("filter op " + op + " needs values");
            }
            out.add(new Criterion(f, op, values));
        }
        return new RecordFilter(mode.equals("AND"), out);
    }

    boolean matches(RecordStore.Row r) {
        if (left != null) {
            return left.matches(r) && right.matches(r);
        }
        if (criteria.isEmpty()) {
            return true;
        }
        for (Criterion c : criteria) {
            boolean m = matches(
                    c, FieldValues.texts(c.field(), r.fields().get(c.field().fieldId())));
            if (and && !m) {
                return false;
            }
            if (!and && m) {
                return true;
            }
        }
        return and;
    }

    private static boolean matches(Criterion c, List<String> texts) {
        return switch (c.op()) {
            case "Empty" -> texts.isEmpty();
            case "NotEmpty" -> !texts.isEmpty();
            case "Equals" -> texts.stream().anyMatch(t -> c.values().stream().anyMatch(v -> same(t, v)));
            case "NotEqu" -> texts.stream().noneMatch(t -> c.values().stream().anyMatch(v -> same(t, v)));
            case "Contains" -> texts.stream().anyMatch(t -> c.values().stream().anyMatch(t::contains));
            case "NotContains" ->
                texts.stream().noneMatch(t -> c.values().stream().anyMatch(t::contains));
            case "Greater" -> texts.stream().anyMatch(t -> compare(t, c.values().get(0)) > 0);
            case "Less" -> texts.stream().anyMatch(t -> compare(t, c.values().get(0)) < 0);
            default -> false;
        };
    }

    private static boolean same(String cell, String value) {
        if (cell.equals(value)) {
            return true;
        }
        BigDecimal a = number(cell);
        BigDecimal b = number(value);
        return a != null && b != null && a.compareTo(b) == 0;
    }

    private static int compare(String cell, String value) {
        BigDecimal a = number(cell);
        BigDecimal b = number(value);
        if (a != null && b != null) {
            return a.compareTo(b);
        }
        return cell.compareTo(value);
    }

    private static BigDecimal number(String s) {
        if (s.isEmpty() || s.length() > 64) {
            return null;
        }
        char c = s.charAt(0);
        if (!(c == '-' || c == '+' || c == '.' || Character.isDigit(c))) {
            return null;
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
