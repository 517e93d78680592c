package io.yundoc.server.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.server.core.Json;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The dev-mode request journal (design.md "Emulator controls"): the last {@code capacity} calls with their bodies cut
 * at {@code bodyLimit} bytes, secrets masked before anything is kept. Memory is bounded by capacity × (2 × bodyLimit
 * + headers); the oldest entry goes when a new one arrives.
 */
public final class RequestJournal {
    /** Names whose values never enter the journal: query parameters, JSON fields and form fields alike. */
    static final Set<String> SECRET_NAMES = Set.of(
            "access_token",
            "refresh_token",
            "app_key",
            "appkey",
            "password",
            "new_password",
            "signature",
            "sig",
            "client_secret",
            "token",
            "edit_token",
            "csrf");

    private static final Pattern SECRET_IN_TEXT = Pattern.compile(
            "(?i)((?:access_token|refresh_token|app_key|appkey|password|signature|client_secret|edit_token|csrf|token)"
                    + "\"?\\s*[=:]\\s*\"?)[^&\"\\s,}]+");
    static final String MASK = "***";
    public static final int DEFAULT_CAPACITY = 500;
    public static final int DEFAULT_BODY_LIMIT = 8 * 1024;

    /**
     * A body as received or sent, kept cut to the journal's limit and masked only when read: recording costs a
     * reference or one bounded copy per call, not a parse (dev mode serves benchmarks and test suites too).
     */
    public static final class Body {
        private final byte[] raw;
        private final String contentType;
        private final int totalBytes;
        private final RequestJournal journal;
        private volatile String masked;

        Body(byte[] bytes, String contentType, RequestJournal journal) {
            // room past the limit so a JSON body a little over it still parses and is masked field by field
            int keep = journal.bodyLimit + 1024;
            this.raw = bytes.length <= keep ? bytes : Arrays.copyOf(bytes, keep);
            this.contentType = contentType;
            this.totalBytes = bytes.length;
            this.journal = journal;
        }

        String masked() {
            String m = masked;
            if (m == null) {
                m = journal.maskBody(raw, contentType, totalBytes);
                masked = m;
            }
            return m;
        }
    }

    /** One recorded call. {@code code} is null when no envelope was answered; bodies are masked when read. */
    public record Entry(
            long seq,
            long atMillis,
            String method,
            String path,
            String query,
            String appId,
            String userId,
            int status,
            Integer code,
            long durationMicros,
            Map<String, String> requestHeaders,
            Body request,
            String requestNote,
            long requestBytes,
            String responseType,
            Body response,
            long responseBytes) {
        /** The request body, secrets masked and cut; a streamed one described by its size; null when none. */
        public String requestBody() {
            return request != null ? request.masked() : requestNote;
        }

        public String responseBody() {
            return response != null ? response.masked() : null;
        }

        public Map<String, Object> wire() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", seq);
            m.put("time", Instant.ofEpochMilli(atMillis).toString());
            m.put("method", method);
            m.put("path", path);
            m.put("query", query);
            m.put("app_id", appId);
            m.put("user_id", userId);
            m.put("status", status);
            m.put("code", code);
            m.put("duration_ms", durationMicros / 1000.0);
            m.put("request_headers", requestHeaders);
            m.put("request_body", requestBody());
            m.put("request_bytes", requestBytes);
            m.put("response_type", responseType);
            m.put("response_body", responseBody());
            m.put("response_bytes", responseBytes);
            return m;
        }
    }

    private final int capacity;
    private final int bodyLimit;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long seq;
    private long dropped;

    /** A body for an entry of this journal (null for none). */
    public Body body(byte[] bytes, String contentType) {
        return bytes == null || bytes.length == 0 ? null : new Body(bytes, contentType, this);
    }

    public RequestJournal(int capacity, int bodyLimit) {
        if (capacity < 1 || bodyLimit < 0) {
            throw new IllegalArgumentException("capacity must be positive and bodyLimit not negative");
        }
        this.capacity = capacity;
        this.bodyLimit = bodyLimit;
    }

    public int capacity() {
        return capacity;
    }

    public int bodyLimit() {
        return bodyLimit;
    }

    /** Keeps an entry, numbering it; drops the oldest beyond capacity. */
    public synchronized Entry add(Entry e) {
        Entry numbered = new Entry(
                ++seq,
                e.atMillis(),
                e.method(),
                e.path(),
                e.query(),
                e.appId(),
                e.userId(),
                e.status(),
                e.code(),
                e.durationMicros(),
                e.requestHeaders(),
                e.request(),
                e.requestNote(),
                e.requestBytes(),
                e.responseType(),
                e.response(),
                e.responseBytes());
        entries.addLast(numbered);
        while (entries.size() > capacity) {
            entries.removeFirst();
            dropped++;
        }
        return numbered;
    }

    /** Newest first, at most {@code limit}, those {@code filter} accepts. */
    public synchronized List<Entry> list(Predicate<Entry> filter, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            Entry e = it.next();
            if (filter.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized int size() {
        return entries.size();
    }

    /** How many entries were pushed out by newer ones since the last reset. */
    public synchronized long dropped() {
        return dropped;
    }

    public synchronized void clear() {
        entries.clear();
        dropped = 0;
    }

    // ---- masking ---------------------------------------------------------------------------------------------

    /** A raw query string with secret parameters' values masked. */
    static String maskQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String pair : raw.split("&", -1)) {
            if (!b.isEmpty()) {
                b.append('&');
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            // an OAuth authorization code is a secret in a query or form, not the envelope's "code" in JSON
            if (eq >= 0 && (secret(name) || name.equals("code"))) {
                b.append(pair, 0, eq + 1).append(MASK);
            } else {
                b.append(pair);
            }
        }
        return b.toString();
    }

    static boolean secret(String name) {
        return name != null && SECRET_NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** A header value fit to keep: credentials keep only their scheme (and a WPS-2 signature its app id). */
    static String maskHeader(String name, String value) {
        return maskLowerCased(name.toLowerCase(Locale.ROOT), value);
    }

    /** {@link #maskHeader} for a name already in lower case (Helidon keeps it so; no copy per recorded call). */
    static String maskLowerCased(String n, String value) {
        if (n.equals("authorization") || n.equals("proxy-authorization")) {
            if (value.startsWith("WPS-2:")) {
                int second = value.indexOf(':', 6);
                return second < 0 ? "WPS-2:" + MASK : value.substring(0, second + 1) + MASK;
            }
            int sp = value.indexOf(' ');
            return sp < 0 ? MASK : value.substring(0, sp + 1) + MASK;
        }
        if (n.equals("cookie") || n.equals("set-cookie")) {
            StringBuilder b = new StringBuilder();
            for (String c : value.split(";", -1)) {
                int eq = c.indexOf('=');
                if (!b.isEmpty()) {
                    b.append(';');
                }
                b.append(eq < 0 ? c : c.substring(0, eq + 1) + MASK);
            }
            return b.toString();
        }
        if (n.contains("csrf") || n.contains("token") || n.equals("x-api-key")) {
            return MASK;
        }
        return value;
    }

    /**
     * Request headers as recorded: names and masked values in one array, read as an insertion-ordered map. Recording
     * costs one array per call instead of a hash map filled with merges (dev mode serves benchmarks too).
     */
    static final class HeaderPairs extends AbstractMap<String, String> {
        private final String[] pairs;

        /** {@code pairs}: name, masked value, name, masked value...; names are distinct (Helidon groups values). */
        HeaderPairs(String[] pairs) {
            this.pairs = pairs;
        }

        @Override
        public Set<Map.Entry<String, String>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<String, String>> iterator() {
                    return new Iterator<>() {
                        private int i;

                        @Override
                        public boolean hasNext() {
                            return i < pairs.length;
                        }

                        @Override
                        public Map.Entry<String, String> next() {
                            if (i >= pairs.length) {
                                throw new NoSuchElementException();
                            }
                            i += 2;
                            return new SimpleImmutableEntry<>(pairs[i - 2], pairs[i - 1]);
                        }
                    };
                }

                @Override
                public int size() {
                    return pairs.length / 2;
                }
            };
        }
    }

    /**
     * A body fit to keep: JSON with secret fields masked at any depth, a form with secret fields masked, other text
     * with {@code name=value} secrets masked, binary as its size; then cut to the body limit.
     */
    String maskBody(byte[] body, String contentType) {
        return body == null ? null : maskBody(body, contentType, body.length);
    }

    /** As {@link #maskBody(byte[], String)} for the first bytes of a body of {@code totalBytes}. */
    String maskBody(byte[] body, String contentType, int totalBytes) {
        if (body == null || body.length == 0) {
            return null;
        }
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        String text = utf8(body);
        if (text == null && body.length < totalBytes) {
            // cut inside a UTF-8 sequence: drop the partial character's bytes
            int end = body.length;
            while (end > 0 && (body[end - 1] & 0xC0) == 0x80) {
                end--;
            }
            text = end > 0 ? utf8(Arrays.copyOf(body, end - 1)) : null;
        }
        if (text == null) {
            return "[" + totalBytes + " bytes, binary]";
        }
        String masked;
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            masked = maskJson(text);
        } else if (ct.startsWith("application/x-www-form-urlencoded")) {
            masked = maskQuery(text);
        } else {
            masked = SECRET_IN_TEXT.matcher(text).replaceAll("$1" + MASK);
        }
        return cut(masked, totalBytes);
    }

    private String cut(String s, int totalBytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= bodyLimit && totalBytes <= bodyLimit + 1024) {
            return s;
        }
        if (b.length <= bodyLimit) {
            return s + "… [" + totalBytes + " bytes in all]";
        }
        // cut on a character boundary: never half a UTF-8 sequence
        int end = bodyLimit;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8) + "… [" + Math.max(b.length, totalBytes)
                + " bytes in all]";
    }

    private static String maskJson(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            mask(n);
            return Json.MAPPER.writeValueAsString(n);
        } catch (Exception e) {
            return SECRET_IN_TEXT.matcher(text).replaceAll("$1" + MASK); // not JSON after all
        }
    }

    private static void mask(JsonNode n) {
        if (n instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                if (secret(name) && v.isValueNode()) {
                    o.put(name, MASK);
                } else {
                    mask(v);
                }
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(RequestJournal::mask);
        }
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
