package io.yundoc.server.blob;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.yundoc.server.core.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves a blob's bytes with the HTTP rules of api.md §6: single Range (206/416), strong ETag, If-None-Match,
 * If-Range, If-Modified-Since, Content-Disposition per RFC 6266/5987. Streams with a fixed buffer: memory does not
 * grow with the file size.
 */
public final class BlobResponder {
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d{0,19})-(\\d{0,19})$");
    private static final int BUFFER = 256 * 1024;
    private final BlobStore store;
    private final Metrics metrics;

    /** A direct (presigned) URL for the blob when the store is configured to hand those out. */
    public Optional<String> directUrl(String key, String fileName, String contentType, Duration ttl) {
        return store.directUrl(key, fileName, contentType, ttl);
    }

    public BlobResponder(BlobStore store, Metrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /**
     * What to serve.
     *
     * @param cacheControl e.g. {@code private, max-age=600} or {@code no-store}
     * @param inline       inline (preview) or attachment (download)
     */
    public record Body(
            String blobKey,
            long size,
            String sha1,
            long lastModifiedEpoch,
            String filename,
            String contentType,
            String cacheControl,
            boolean inline) {}

    public void serve(ServerRequest req, ServerResponse res, Body b) {
        String etag = "\"" + b.sha1() + "\"";
        res.header("ETag", etag);
        res.header("Cache-Control", b.cacheControl());
        res.header("Last-Modified", httpDate(b.lastModifiedEpoch()));
        res.header("Accept-Ranges", "bytes");
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Access-Control-Allow-Origin", "*");
        res.header("Access-Control-Expose-Headers", "Content-Length, Content-Range, Content-Disposition, ETag");

        String inm = req.headers().first(HeaderNames.IF_NONE_MATCH).orElse(null);
        if (inm != null) {
            if (noneMatchHits(inm, b.sha1())) {
                res.status(304).send();
                return;
            }
        } else {
            String ims = req.headers().first(HeaderNames.IF_MODIFIED_SINCE).orElse(null);
            if (ims != null && notModifiedSince(ims, b.lastModifiedEpoch())) {
                res.status(304).send();
                return;
            }
        }

        res.header("Content-Type", b.contentType());
        res.header("Content-Disposition", contentDisposition(b.inline() ? "inline" : "attachment", b.filename()));

        long start = 0;
        long end = b.size() - 1;
        int status = 200;
        String range = req.headers().first(HeaderNames.RANGE).orElse(null);
        if (range != null && b.size() > 0 && ifRangeAllows(req, etag)) {
            Matcher m = RANGE.matcher(range.trim());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                long[] r = resolve(m.group(1), m.group(2), b.size());
                if (r == null) {
                    res.status(416)
                            .header("Content-Range", "bytes */" + b.size())
                            .send();
                    return;
                }
                if (r.length == 2) {
                    start = r[0];
                    end = r[1];
                    status = 206;
                    res.header("Content-Range", "bytes " + start + "-" + end + "/" + b.size());
                }
            }
        }
        long length = end - start + 1;
        res.status(status);
        res.header("Content-Length", Long.toString(length));
        if (Method.HEAD.equals(req.prologue().method()) || length == 0) {
            res.send();
            return;
        }
        try (InputStream in = store.open(b.blobKey(), start, length);
                OutputStream out = res.outputStream()) {
            byte[] buf = new byte[(int) Math.min(BUFFER, length)];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("blob shorter than recorded: " + b.blobKey());
                }
                out.write(buf, 0, n);
                left -= n;
            }
            metrics.bytesServed(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {start, end} for a satisfiable range, {} for a malformed one (ignored → 200), null when unsatisfiable (416). */
    static long[] resolve(String a, String z, long size) {
        try {
            if (a.isEmpty()) {
                long n = Long.parseLong(z);
                if (n == 0) {
                    return null;
                }
                return new long[] {Math.max(0, size - n), size - 1};
            }
            long from = Long.parseLong(a);
            if (!z.isEmpty() && Long.parseLong(z) < from) {
                return new long[0];
            }
            if (from >= size) {
                return null;
            }
            long to = z.isEmpty() ? size - 1 : Long.parseLong(z);
            return new long[] {from, Math.min(to, size - 1)};
        } catch (NumberFormatException e) {
            return new long[0];
        }
    }

    private static boolean ifRangeAllows(ServerRequest req, String etag) {
        return req.headers()
                .first(HeaderNames.IF_RANGE)
                .map(v -> v.trim().equals(etag))
                .orElse(true);
    }

    static boolean noneMatchHits(String header, String sha1) {
        for (String tag : header.split(",", -1)) {
            String t = tag.trim();
            if (t.equals("*")) {
                return true;
            }
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("\"" + sha1 + "\"")) {
                return true;
            }
        }
        return false;
    }

    private static boolean notModifiedSince(String header, long lastModified) {
        try {
            long since = DateTimeFormatter.RFC_1123_DATE_TIME
                    .parse(header.trim(), Instant::from)
                    .getEpochSecond();
            return lastModified <= since;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    static String httpDate(long epochSeconds) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.ofEpochSecond(epochSeconds).atOffset(ZoneOffset.UTC));
    }

    /** RFC 6266 with an ASCII fallback and the RFC 5987 UTF-8 form, always both. */
    public static String contentDisposition(String type, String filename) {
        StringBuilder fallback = new StringBuilder(filename.length());
        filename.codePoints()
                .forEach(cp -> fallback.append(
                        cp < 0x20 || cp > 0x7e || cp == '"' || cp == '\\' ? "_" : Character.toString(cp)));
        return type + "; filename=\"" + fallback + "\"; filename*=UTF-8''" + rfc5987(filename);
    }

    static String rfc5987(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean attrChar = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$&+-.^_`|~".indexOf(c) >= 0;
            if (attrChar) {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** Percent-encodes a file name as one URL path segment. */
    public static String pathSegment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
