package io.yundoc.server.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.MultipartInput;

/**
 * Streaming multipart/form-data reading on commons-fileupload's {@link MultipartInput}: small fields are collected,
 * the one file part is handed to a sink as a stream, so its bytes never sit in memory. Malformed bodies → 10001.
 */
public final class MultipartReader {
    private static final int MAX_FIELD = 64 * 1024;
    private static final int MAX_FIELDS = 256;

    private MultipartReader() {}

    /** A part's headers: form field name, file name (RFC 5987 {@code filename*} wins) and Content-Type. */
    public record Part(String name, String filename, String contentType) {}

    @FunctionalInterface
    public interface FileSink<T> {
        T accept(Part part, InputStream content) throws IOException;
    }

    /** The fields in order (repeated names kept), and the sink's result for the file part (null when none). */
    public record Result<T>(Map<String, List<String>> fields, Part filePart, T file) {
        public List<String> all(String name) {
            return fields.getOrDefault(name, List.of());
        }

        public String first(String name) {
            List<String> v = fields.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    /** The boundary of a {@code multipart/form-data} Content-Type, or 10001. */
    public static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiException.invalid("body must be multipart/form-data");
        }
        String b = HeaderParams.parse(contentType).get("boundary");
        if (b == null || b.isEmpty() || b.length() > 200) {
            throw ApiException.invalid("multipart boundary missing");
        }
        return b;
    }

    public static boolean isMultipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /**
     * Reads the whole body. The first part named {@code fileField} that has a file name goes to {@code sink};
     * other file parts are skipped. If the sink throws, the exception propagates after nothing else is read.
     */
    public static <T> Result<T> read(InputStream body, String boundary, String fileField, FileSink<T> sink)
            throws IOException {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        Part filePart = null;
        T file = null;
        int count = 0;
        try {
            MultipartInput in = MultipartInput.builder()
                    .setInputStream(body)
                    .setBoundary(boundary.getBytes(StandardCharsets.ISO_8859_1))
                    .setPartHeaderSizeMax(16 * 1024)
                    .get();
            in.setHeaderCharset(StandardCharsets.UTF_8);
            boolean next = in.skipPreamble();
            if (!next) {
                throw ApiException.invalid("malformed multipart body");
            }
            while (next) {
                if (++count > MAX_FIELDS) {
                    throw ApiException.invalid("too many multipart parts");
                }
                Part part = parseHeaders(in.readHeaders());
                if (part.filename() != null
                        && part.name() != null
                        && part.name().equals(fileField)
                        && filePart == null) {
                    filePart = part;
                    file = sink.accept(part, in.newInputStream());
                } else if (part.filename() == null && part.name() != null) {
                    byte[] v = in.newInputStream().readNBytes(MAX_FIELD + 1);
                    if (v.length > MAX_FIELD) {
                        throw ApiException.invalid("multipart field " + part.name() + " too large");
                    }
                    fields.computeIfAbsent(part.name(), k -> new ArrayList<>())
                            .add(new String(v, StandardCharsets.UTF_8));
                } else {
                    in.discardBodyData();
                }
                next = in.readBoundary();
            }
        } catch (FileUploadException e) {
            closeQuietly(file);
            throw ApiException.invalid("malformed multipart body");
        } catch (IOException e) {
            closeQuietly(file);
            if (isMalformed(e)) {
                throw ApiException.invalid("malformed multipart body");
            }
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
        return new Result<>(fields, filePart, file);
    }

    /** A file already handed to the sink is released when the rest of the body turns out bad. */
    private static void closeQuietly(Object file) {
        if (file instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the pending blob deletes its temp file
            }
        }
    }

    private static boolean isMalformed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileUploadException) {
                return true;
            }
        }
        return false;
    }

    static Part parseHeaders(String headers) {
        String disposition = null;
        String contentType = null;
        for (String line : headers.split("\r\n", -1)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-disposition")) {
                disposition = value;
            } else if (name.equals("content-type")) {
                contentType = value;
            }
        }
        if (disposition == null) {
            return new Part(null, null, contentType);
        }
        Map<String, String> p = HeaderParams.parse(disposition);
        String filename = p.get("filename");
        String extended = p.get("filename*");
        if (extended != null) {
            String decoded = decode5987(extended);
            if (decoded != null) {
                filename = decoded;
            }
        }
        return new Part(p.get("name"), filename, contentType);
    }

    /** {@code UTF-8''%E4%BD%A0.txt} → 你.txt; null when malformed. */
    public static String decode5987(String v) {
        int first = v.indexOf('\'');
        int second = first < 0 ? -1 : v.indexOf('\'', first + 1);
        if (second < 0) {
            return null;
        }
        String charset = v.substring(0, first);
        if (!charset.equalsIgnoreCase("UTF-8")) {
            return null;
        }
        try {
            return URLDecoder.decode(v.substring(second + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Parameters of a header value such as {@code form-data; name="file"; filename="a;b.txt"}. */
    public static final class HeaderParams {
        private HeaderParams() {}

        public static Map<String, String> parse(String value) {
            Map<String, String> out = new LinkedHashMap<>();
            int i = value.indexOf(';');
            if (i < 0) {
                return out;
            }
            int n = value.length();
            while (i < n) {
                i++; // past ';'
                while (i < n && Character.isWhitespace(value.charAt(i))) {
                    i++;
                }
                int eq = i;
                while (eq < n && value.charAt(eq) != '=' && value.charAt(eq) != ';') {
                    eq++;
                }
                String key = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
                if (eq >= n || value.charAt(eq) == ';') {
                    i = eq;
                    continue;
                }
                int j = eq + 1;
                StringBuilder v = new StringBuilder();
                if (j < n && value.charAt(j) == '"') {
                    j++;
                    while (j < n && value.charAt(j) != '"') {
                        char c = value.charAt(j);
                        if (c == '\\' && j + 1 < n) {
                            c = value.charAt(++j);
                        }
                        v.append(c);
                        j++;
                    }
                    j++; // closing quote
                    while (j < n && value.charAt(j) != ';') {
                        j++;
                    }
                } else {
                    while (j < n && value.charAt(j) != ';') {
                        v.append(value.charAt(j++));
                    }
                }
                if (!key.isEmpty()) {
                    out.putIfAbsent(key, v.toString().trim());
                }
                i = j;
            }
            return out;
        }
    }
}
