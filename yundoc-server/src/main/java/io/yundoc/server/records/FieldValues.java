package io.yundoc.server.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.server.core.ApiException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Cell values by field type (docs/api-families.md §F2.1): what a write may send, how it is stored (by option id, link
 * record ids), how it is answered, and the text filters compare.
 */
final class FieldValues {
    static final Set<String> TYPES = Set.of(
            "SingleLineText",
            "MultiLineText",
            "Number",
            "SingleSelect",
            "Date",
            "Checkbox",
            "MultipleSelect",
            "Url",
            "Attachment",
            "Link");
    /** Longest text a cell takes [D]: far above any real cell, far below the 1 MiB body. */
    static final int MAX_TEXT = 100_000;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private FieldValues() {}

    /**
     * The stored form of {@code v} for field {@code f}, or null to clear the cell. {@code linkTargets} gives the ids that
     * exist in the link's table among those asked (the rule "不合法的 recordId 将会被忽略": others are dropped).
     */
    static JsonNode parse(
            RecordStore.Field f, JsonNode v, boolean preferId, Function<List<String>, Set<String>> linkTargets) {
        if (v == null || v.isNull()) {
            return null;
        }
        String where = "field " + f.name();
        return switch (f.type()) {
            case "SingleLineText", "MultiLineText", "Url" -> {
                if (!v.isTextual()) {
                    throw ApiException.invalid(where + " takes a string");
                }
                if (v.asText().length() > MAX_TEXT) {
                    throw ApiException.invalid(where + ": text longer than " + MAX_TEXT + " characters");
                }
                yield v;
            }
            case "Number" -> {
                if (v.isNumber()) {
                    yield F.numberNode(v.decimalValue());
                }
                if (v.isTextual()) {
                    try {
                        yield F.numberNode(new BigDecimal(v.asText().trim()));
                    } catch (NumberFormatException e) {
                        throw ApiException.invalid(where + " takes a number");
                    }
                }
                throw ApiException.invalid(where + " takes a number");
            }
            case "Checkbox" -> {
                if (v.isBoolean()) {
                    yield v;
                }
                if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
                    yield F.booleanNode(Boolean.parseBoolean(v.asText()));
                }
                throw ApiException.invalid(where + " takes true or false");
            }
            case "Date" -> {
                if ((v.isTextual() && v.asText().length() <= 64) || v.isIntegralNumber()) {
                    yield v;
                }
                throw ApiException.invalid(where + " takes a date string or epoch milliseconds");
            }
            case "SingleSelect" -> {
                if (!v.isTextual()) {
                    throw ApiException.invalid(where + " takes an option");
                }
                yield F.textNode(option(f, v.asText(), preferId));
            }
            case "MultipleSelect" -> {
                ArrayNode out = F.arrayNode();
                for (JsonNode e : v.isArray() ? v : F.arrayNode().add(v)) {
                    if (!e.isTextual()) {
                        throw ApiException.invalid(where + " takes a list of options");
                    }
                    String id = option(f, e.asText(), preferId);
                    if (!contains(out, id)) {
                        out.add(id);
                    }
                }
                yield out;
            }
            case "Attachment" -> attachments(where, v);
            case "Link" -> {
                if (!v.isObject() || !v.path("recordIds").isArray()) {
                    throw ApiException.invalid(where + " takes {\"recordIds\":[...]}");
                }
                List<String> asked = new ArrayList<>();
                for (JsonNode e : v.get("recordIds")) {
                    if (e.isTextual() && TableIds.wellFormed(e.asText()) && !asked.contains(e.asText())) {
                        asked.add(e.asText());
                    }
                }
                if (asked.size() > 1000) {
                    throw ApiException.invalid(where + ": at most 1000 linked records");
                }
                Set<String> exist = linkTargets.apply(asked);
                ArrayNode out = F.arrayNode();
                asked.stream().filter(exist::contains).forEach(out::add);
                yield out;
            }
            default -> throw new IllegalStateException("type " + f.type());
        };
    }

    private static boolean contains(ArrayNode a, String s) {
        for (JsonNode n : a) {
            if (n.asText().equals(s)) {
                return true;
            }
        }
        return false;
    }

    private static String option(RecordStore.Field f, String v, boolean preferId) {
        return (preferId ? f.itemById(v) : f.itemByValue(v))
                .or(() -> preferId ? f.itemByValue(v) : f.itemById(v))
                .orElseThrow(() -> ApiException.invalid("field " + f.name() + " has no option " + v))
                .id();
    }

    /**
     * 图片与附件: each element needs {@code uploadId} and {@code fileName}; {@code source} other than
     * {@code upload_ks3}/{@code cloud} skips the element; absent → {@code upload_ks3}; {@code type}, {@code size} as given.
     */
    private static JsonNode attachments(String where, JsonNode v) {
        if (!v.isArray()) {
            throw ApiException.invalid(where + " takes a list of attachments");
        }
        if (v.size() > 1000) {
            throw ApiException.invalid(where + ": at most 1000 attachments");
        }
        ArrayNode out = F.arrayNode();
        for (JsonNode e : v) {
            if (!e.isObject()
                    || !e.path("uploadId").isTextual()
                    || !e.path("fileName").isTextual()) {
                throw ApiException.invalid(where + ": each attachment needs uploadId and fileName");
            }
            String source = e.path("source").isMissingNode() || e.path("source").isNull()
                    ? "upload_ks3"
                    : e.path("source").asText();
            if (!source.equals("upload_ks3") && !source.equals("cloud")) {
                continue;
            }
            ObjectNode a = out.addObject();
            a.put("fileName", e.get("fileName").asText());
            a.put("uploadId", e.get("uploadId").asText());
            a.put("source", source);
            if (e.has("type") && !e.get("type").isNull()) {
                a.set("type", e.get("type"));
            }
            if (e.has("size") && !e.get("size").isNull()) {
                a.set("size", e.get("size"));
            }
        }
        return out;
    }

    /** The answered form of a stored value; null when the cell is empty (empty fields are left out, §F2.5). */
    @SuppressWarnings("RefactorSwitch") // the switch mixes statements and yields on purpose: one case per operation
    static JsonNode render(RecordStore.Field f, JsonNode stored, boolean preferId, Set<String> liveLinks) {
        if (stored == null || stored.isNull()) {
            return null;
        }
        switch (f.type()) {
            case "SingleSelect" -> {
                if (preferId) {
                    return stored;
                }
                return f.itemById(stored.asText())
                        .<JsonNode>map(i -> F.textNode(i.value()))
                        .orElse(null);
            }
            case "MultipleSelect" -> {
                ArrayNode out = F.arrayNode();
                for (JsonNode id : stored) {
                    f.itemById(id.asText()).ifPresent(i -> out.add(preferId ? i.id() : i.value()));
                }
                return out.isEmpty() ? null : out;
            }
            case "Link" -> {
                ArrayNode ids = F.arrayNode();
                for (JsonNode id : linkIds(stored)) {
                    if (liveLinks == null || liveLinks.contains(id.asText())) {
                        ids.add(id.asText());
                    }
                }
                if (ids.isEmpty()) {
                    return null;
                }
                ObjectNode o = F.objectNode();
                o.set("recordIds", ids);
                return o;
            }
            case "Attachment" -> {
                return stored.isEmpty() ? null : stored;
            }
            case "SingleLineText", "MultiLineText", "Url" -> {
                return stored.asText().isEmpty() ? null : stored;
            }
            default -> {
                return stored;
            }
        }
    }

    /**
     * The record ids of a stored Link cell: an array of ids; ksheet cells written before V12 hold the request's
     * {@code {"recordIds":[…]}} object, read alike.
     */
    static JsonNode linkIds(JsonNode stored) {
        if (stored == null || stored.isNull()) {
            return F.arrayNode();
        }
        return stored.isObject() ? stored.path("recordIds") : stored;
    }

    /** The texts a filter compares a cell by: option names, link ids, attachment names, numbers in plain form. */
    static List<String> texts(RecordStore.Field f, JsonNode stored) {
        List<String> out = new ArrayList<>();
        if (stored == null || stored.isNull()) {
            return out;
        }
        switch (f.type()) {
            case "SingleSelect" -> f.itemById(stored.asText()).ifPresent(i -> out.add(i.value()));
            case "MultipleSelect" ->
                stored.forEach(id -> f.itemById(id.asText()).ifPresent(i -> out.add(i.value())));
            case "Link" -> linkIds(stored).forEach(id -> out.add(id.asText()));
            case "Attachment" -> stored.forEach(a -> out.add(a.path("fileName").asText()));
            case "Number" -> out.add(stored.decimalValue().stripTrailingZeros().toPlainString());
            default -> {
                String s = stored.asText();
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
