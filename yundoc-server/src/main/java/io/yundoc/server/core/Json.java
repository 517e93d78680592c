package io.yundoc.server.core;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one ObjectMapper, and the lenient body rules of api.md §1.3: bodies are JSON whatever Content-Type says,
 * a BOM is tolerated, booleans may be strings or 0/1, integers may be numeric strings.
 */
public final class Json {
    /**
     * Reading is strict where leniency would let two parsers disagree about one body: a duplicate key (which value
     * wins?) and anything after the JSON value are refused, as RFC 8259 §4 and §2 allow.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public static final int MAX_BODY = 1 << 20;

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private Json() {}

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot serialise " + value.getClass().getName(), e);
        }
    }

    public static String writeString(Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    /** Reads at most 1 MiB; more → 10001. */
    public static byte[] readLimited(InputStream in) {
        try (in) {
            byte[] data = in.readNBytes(MAX_BODY + 1);
            if (data.length > MAX_BODY) {
                throw ApiException.invalid("body larger than 1 MiB");
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a JSON object body; empty → an empty object when {@code required} is false, else 10001. */
    public static ObjectNode parseObject(byte[] data, boolean required) {
        int start = 0;
        if (data.length >= 3 && (data[0] & 0xff) == 0xEF && (data[1] & 0xff) == 0xBB && (data[2] & 0xff) == 0xBF) {
            start = 3;
        }
        String text;
        try {
            // strict: bytes that are not UTF-8 are refused (api.md §1.3), never stored as U+FFFD
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, start, data.length - start))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.invalid("body is not UTF-8");
        }
        if (text.isBlank()) {
            if (required) {
                throw ApiException.invalid("body is required");
            }
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonParseException e) {
            boolean duplicate =
                    e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field");
            throw ApiException.invalid(duplicate ? "body has a duplicate key" : "body is not valid JSON");
        } catch (MismatchedInputException e) {
            throw ApiException.invalid("body has data after the JSON value");
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("body is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalid("body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    public static Optional<String> text(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isValueNode()) {
            throw ApiException.invalid(field + " must be a string");
        }
        return Optional.of(n.asText());
    }

    public static Optional<Boolean> bool(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        return Optional.of(parseBool(field, n.isTextual() ? n.asText() : n.toString()));
    }

    public static boolean parseBool(String field, String v) {
        return switch (v) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.invalid(field + " must be a boolean");
        };
    }

    public static Optional<Long> integer(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return Optional.of(n.asLong());
        }
        if (n.isTextual()) {
            return Optional.of(parseLong(field, n.asText()));
        }
        throw ApiException.invalid(field + " must be an integer");
    }

    public static long parseLong(String field, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(field + " must be an integer");
        }
    }

    /** A list of strings: a JSON array, or one comma-separated string; empty segments dropped. */
    public static Optional<List<String>> stringList(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isValueNode() || e.isNull()) {
                    throw ApiException.invalid(field + " must be a list of strings");
                }
                out.add(e.asText());
            }
        } else if (n.isTextual()) {
            for (String s : n.asText().split(",", -1)) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        } else {
            throw ApiException.invalid(field + " must be a list of strings");
        }
        return Optional.of(out);
    }
}
