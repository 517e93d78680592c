package io.yundoc.client;

import io.yundoc.protocol.Hex;
import io.yundoc.protocol.Wps2Signer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every WPS-2 detail of the SDK in one place (api.md §3.4): the {@code Date}, {@code Content-Md5},
 * {@code Content-Type} and {@code Authorization} headers of one app-space request. The hash itself comes from
 * {@link Wps2Signer}.
 *
 * <p>A bodiless request signs the MD5 of its path and query, as the KDocs algorithm says for GET, so the signature
 * binds the path. yundoc refuses a signed write whose headers repeat inside its replay window; two identical writes in
 * the same second would carry identical headers, so the signer waits for the next second instead.
 */
final class Wps2RequestSigner {
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private final String appId;
    private final String appKey;
    private final Clock clock;
    private final Map<String, Long> lastWrite = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> e) {
            return size() > 256;
        }
    };

    Wps2RequestSigner(String appId, String appKey, Clock clock) {
        this.appId = appId;
        this.appKey = appKey;
        this.clock = clock;
    }

    /** The four headers for one attempt; call again for each retry so the Date is fresh. */
    Map<String, String> headers(String method, String pathAndQuery, String bodyMd5, String contentType) {
        String md5 = bodyMd5 != null ? bodyMd5 : Hex.md5(pathAndQuery.getBytes(StandardCharsets.UTF_8));
        String date = date(method + " " + pathAndQuery + " " + md5, !method.equals("GET") && !method.equals("HEAD"));
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Date", date);
        h.put("Content-Md5", md5);
        h.put("Content-Type", contentType);
        h.put("Authorization", Wps2Signer.authorization(appId, appKey, md5, contentType, date));
        return h;
    }

    private String date(String key, boolean write) {
        long second = Math.floorDiv(clock.millis(), 1000);
        if (write) {
            synchronized (lastWrite) {
                Long last = lastWrite.get(key);
                while (last != null && second <= last) {
                    long waitMs = (second + 1) * 1000 - clock.millis();
                    try {
                        Thread.sleep(Math.max(1, Math.min(waitMs, 1000)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new YundocClientException("interrupted while spacing a repeated signed write", e);
                    }
                    second = Math.floorDiv(clock.millis(), 1000);
                }
                lastWrite.put(key, second);
            }
        }
        return RFC1123.format(Instant.ofEpochSecond(second));
    }
}
