package io.yundoc.server.sheets;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.core.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code filter} of {@code records/complex_query} (docs/api-families.md §F2.5): {@code mode} AND or OR over
 * criteria {@code {field, op, values}} with ops Equals, NotEqu, Contains, NotContains, Greater, Less, Empty,
 * NotEmpty. Values compare as text (select fields by option value, or id with preferId); Greater and Less compare
 * numbers when both sides are numbers.
 */
final class RecordFilter {
    static final Set<String> OPS = Set.of("Equals", "NotEqu", "Contains", "NotContains", "Greater", "Less", "Empty", "NotEmpty");
    private static final RecordFilter ALL = new RecordFilter(true, List.of());

    private record Criterion(SheetStore.FieldRow field, String op, List<String> values, java.util.Map<String, String> optionValues) {
    }

    private final boolean and;
    private final List<Criterion> criteria;

    private RecordFilter(boolean and, List<Criterion> criteria) {
        this.and = and;
        this.criteria = criteria;
    }

    static RecordFilter of(JsonNode filter, List<SheetStore.FieldRow> fields, boolean preferId) {
        if (filter == null || filter.isNull()) {
            return ALL;
        }
        if (!filter.isObject()) {
            throw ApiException.invalid("filter must be an object");
        }
        String mode = filter.path("mode").asText("AND");
        if (!mode.equals("AND") && !mode.equals("OR")) {
            throw ApiException.invalid("filter mode must be AND or OR");
        }
        JsonNode cs = filter.get("criteria");
        if (cs == null || !cs.isArray() || cs.size() > 100) {
            throw ApiException.invalid("filter criteria must be an array of at most 100");
        }
        List<Criterion> out = new ArrayList<>();
        for (JsonNode c : cs) {
            String name = c.path("field").asText(null);
            SheetStore.FieldRow f = fields.stream().filter(x -> (preferId ? x.id() : x.name()).equals(name)).findFirst()
                    .orElseThrow(() -> ApiException.invalid("unknown field " + name));
            String op = c.path("op").asText("");
            if (!OPS.contains(op)) {
                throw ApiException.invalid("unknown op " + op);
            }
            List<String> values = new ArrayList<>();
            c.path("values").forEach(v -> values.add(v.asText()));
            if (!op.endsWith("Empty") && values.isEmpty()) {
                throw ApiException.invalid("op " + op + " needs values");
            }
            java.util.Map<String, String> options = new java.util.HashMap<>();
            if (f.items() != null && !preferId) {
                try {
                    io.yundoc.server.core.Json.MAPPER.readTree(f.items()).forEach(it -> options.put(it.path("id").asText(), it.path("value").asText()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            out.add(new Criterion(f, op, values, options));
        }
        return new RecordFilter(mode.equals("AND"), out);
    }

    boolean matches(JsonNode storedFields) {
        if (criteria.isEmpty()) {
            return true;
        }
        for (Criterion c : criteria) {
            boolean m = matches(c, storedFields.get(c.field().id()));
            if (and && !m) {
                return false;
            }
            if (!and && m) {
                return true;
            }
        }
        return and;
    }

    private static List<String> texts(Criterion c, JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            v.forEach(x -> out.add(c.optionValues().getOrDefault(x.asText(), x.isValueNode() ? x.asText() : x.toString())));
        } else if (v.isObject()) {
            v.path("recordIds").forEach(x -> out.add(x.asText()));
        } else {
            out.add(c.optionValues().getOrDefault(v.asText(), v.isNumber() ? v.decimalValue().stripTrailingZeros().toPlainString() : v.asText()));
        }
        return out;
    }

    private static boolean matches(Criterion c, JsonNode v) {
        List<String> have = texts(c, v);
        return switch (c.op()) {
            case "Empty" -> have.isEmpty() || have.stream().allMatch(String::isEmpty);
            case "NotEmpty" -> !have.isEmpty() && have.stream().anyMatch(s -> !s.isEmpty());
            case "Equals" -> have.stream().anyMatch(h -> c.values().stream().anyMatch(x -> same(h, x)));
            case "NotEqu" -> have.stream().noneMatch(h -> c.values().stream().anyMatch(x -> same(h, x)));
            case "Contains" -> have.stream().anyMatch(h -> c.values().stream().anyMatch(h::contains));
            case "NotContains" -> have.stream().noneMatch(h -> c.values().stream().anyMatch(h::contains));
            case "Greater" -> have.stream().anyMatch(h -> compare(h, c.values().get(0)) > 0);
            default -> have.stream().anyMatch(h -> compare(h, c.values().get(0)) < 0);
        };
    }

    private static boolean same(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return new java.math.BigDecimal(a).compareTo(new java.math.BigDecimal(b)) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int compare(String a, String b) {
        try {
            return new java.math.BigDecimal(a).compareTo(new java.math.BigDecimal(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }
}
