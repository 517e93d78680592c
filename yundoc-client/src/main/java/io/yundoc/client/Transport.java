package io.yundoc.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.yundoc.protocol.HttpDates;
import io.yundoc.protocol.wire.AppFileInfo;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends {@link ApiRequest}s: authentication (access token or WPS-2), the envelope, typed errors, retries with a
 * bounded back-off (Retry-After honoured), and one automatic token refresh on 20007. Internal.
 */
final class Transport {
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new SimpleModule("yundoc-client")
                    .addDeserializer(AppFileInfo.class, new AppFileInfoDeserializer()));

    /**
     * {@code creator}/{@code modifier} of app-space file info are kept as raw JSON (a string stays quoted, a number
     * does not), matching the record's {@code @JsonRawValue} so the value round-trips with its JSON type.
     */
    static final class AppFileInfoDeserializer extends JsonDeserializer<AppFileInfo> {
        @Override
        public AppFileInfo deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonNode n = p.readValueAsTree();
            Map<String, Object> sys =
                    n.has("sys_metadata") && n.get("sys_metadata").isObject()
                            ? JSON.convertValue(n.get("sys_metadata"), new TypeReference<Map<String, Object>>() {})
                            : Map.of();
            return new AppFileInfo(
                    text(n, "content_type"),
                    raw(n, "creator"),
                    n.path("ctime").asLong(),
                    text(n, "file_token"),
                    raw(n, "modifier"),
                    n.path("mtime").asLong(),
                    text(n, "name"),
                    text(n, "parent_token"),
                    n.path("size").asLong(),
                    sys,
                    text(n, "type"),
                    n.path("version").asLong());
        }

        private static String text(JsonNode n, String f) {
            JsonNode v = n.get(f);
            return v == null || v.isNull() ? null : v.asText();
        }

        private static String raw(JsonNode n, String f) {
            JsonNode v = n.get(f);
            return v == null ? null : v.toString();
        }
    }

    final HttpClient http;
    final String base;
    final String basePath;
    final Duration requestTimeout;
    final int maxRetries;
    final Duration maxBackoff;
    final Wps2RequestSigner signer;
    final String userAgent;
    OAuth oauth;

    Transport(
            HttpClient http,
            String base,
            Duration requestTimeout,
            int maxRetries,
            Duration maxBackoff,
            Wps2RequestSigner signer,
            String userAgent) {
        this.http = http;
        this.base = base;
        this.basePath =
                URI.create(base).getRawPath() == null ? "" : URI.create(base).getRawPath();
        this.requestTimeout = requestTimeout;
        this.maxRetries = maxRetries;
        this.maxBackoff = maxBackoff;
        this.signer = signer;
        this.userAgent = userAgent;
    }

    /** Sends the request and returns {@code data} as {@code type} (null type: ignore data). */
    <T> T call(ApiRequest r, Class<T> type) {
        JsonNode data = send(r).path("data");
        if (type == null) {
            return null;
        }
        try {
            return JSON.convertValue(data, type);
        } catch (IllegalArgumentException e) {
            throw unexpected(r, e);
        }
    }

    /** Sends the request and returns {@code data} as a generic {@code type} (e.g. a list of records). */
    <T> T call(ApiRequest r, TypeReference<T> type) {
        JsonNode data = send(r).path("data");
        try {
            return JSON.convertValue(data, type);
        } catch (IllegalArgumentException e) {
            throw unexpected(r, e);
        }
    }

    private static YundocClientException unexpected(ApiRequest r, IllegalArgumentException e) {
        return new YundocClientException(
                "unexpected data in the answer to " + r.method + " " + r.path + ": " + e.getMessage(), e);
    }

    /** Sends the request; returns the whole envelope of a success. */
    JsonNode send(ApiRequest r) {
        boolean refreshed = false;
        int attempt = 0;
        while (true) {
            String tokenUsed = null;
            HttpResponse<byte[]> res;
            try {
                String[] tokenParam = null;
                if (r.auth == ApiRequest.Auth.TOKEN || r.auth == ApiRequest.Auth.WPS2_AND_TOKEN) {
                    if (attempt == 0 && !refreshed) {
                        oauth.refreshIfExpiring();
                    }
                    tokenUsed = oauth.currentAccessToken();
                    tokenParam = new String[] {"access_token", tokenUsed};
                }
                String qs = r.queryString(tokenParam);
                String target = basePath + r.path + (qs.isEmpty() ? "" : "?" + qs);
                HttpRequest.Builder b = HttpRequest.newBuilder(
                                URI.create(base + r.path + (qs.isEmpty() ? "" : "?" + qs)))
                        .timeout(requestTimeout)
                        .header("User-Agent", userAgent)
                        .header("Accept", "application/json")
                        .method(r.method, r.body == null ? HttpRequest.BodyPublishers.noBody() : r.body.get());
                if (r.auth == ApiRequest.Auth.WPS2 || r.auth == ApiRequest.Auth.WPS2_AND_TOKEN) {
                    if (signer == null) {
                        throw new IllegalStateException("app-space calls need appId and appKey on the client builder");
                    }
                    for (Map.Entry<String, String> h : signer.headers(
                                    r.method, target, r.body == null ? null : r.bodyMd5, r.contentType)
                            .entrySet()) {
                        b.header(h.getKey(), h.getValue());
                    }
                } else if (r.body != null) {
                    b.header("Content-Type", r.contentType);
                }
                res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt < maxRetries
                        && (r.idempotent || e instanceof ConnectException)
                        && !(e instanceof HttpTimeoutException && !r.idempotent)) {
                    sleep(backoff(attempt++));
                    continue;
                }
                throw new YundocClientException(r.method + " " + base + r.path + " failed: " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new YundocClientException("interrupted during " + r.method + " " + r.path, e);
            }
            JsonNode env = parse(res, r);
            int code = env.path("code").asInt(-1);
            if (code == 0 && res.statusCode() / 100 == 2) {
                return env;
            }
            YundocException ex = error(env, res);
            if (ex.code() == 20007 && tokenUsed != null && !refreshed && oauth.canRefresh()) {
                oauth.refreshAfterRejection(tokenUsed);
                refreshed = true;
                continue;
            }
            if (attempt < maxRetries && retryable(ex, r)) {
                Duration wait = ex.retryAfter().orElse(backoff(attempt));
                if (wait.compareTo(maxBackoff) > 0) {
                    throw ex; // e.g. a daily quota: waiting hours inside a call helps nobody
                }
                attempt++;
                sleep(wait);
                continue;
            }
            throw ex;
        }
    }

    private static boolean retryable(YundocException ex, ApiRequest r) {
        return switch (ex.code()) {
            case 30002, 30010, 40008 -> true;
            case 30004, 10002 -> r.idempotent;
            default -> false;
        };
    }

    /**
     * Equal-jitter exponential back-off: the ceiling doubles per attempt (100 ms, 200 ms, 400 ms, ..., at most
     * maxBackoff) and the wait is half the ceiling plus a random part of up to the other half, so retry {@code n}
     * (from 0) waits between 50·2ⁿ and 100·2ⁿ ms. Half fixed keeps a retry from coming back at once; half random
     * keeps many clients from retrying in step.
     */
    Duration backoff(int attempt) {
        long cap = Math.min(maxBackoff.toMillis(), 100L << Math.min(attempt, 16));
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // Thread.sleep(Duration) is Java 19+; this jar targets 17
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new YundocClientException("interrupted while backing off", e);
        }
    }

    static String describe(IOException e) {
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static JsonNode parse(HttpResponse<byte[]> res, ApiRequest r) {
        if (res.statusCode() / 100 == 3) {
            throw new YundocClientException(r.method + " " + r.path + " answered a redirect (HTTP " + res.statusCode()
                    + "); the client does not follow redirects");
        }
        try {
            JsonNode n = JSON.readTree(res.body());
            if (n != null && n.isObject() && n.has("code")) {
                return n;
            }
        } catch (IOException ignored) {
            // fall through: not the API's JSON
        }
        throw new YundocClientException(r.method + " " + r.path + " answered HTTP " + res.statusCode()
                + " without the API's JSON envelope" + requestIdSuffix(res.headers()));
    }

    static YundocException error(JsonNode env, HttpResponse<?> res) {
        String name = env.path("msg").asText(env.path("result").asText(""));
        return new YundocException(
                env.path("code").asInt(),
                name,
                env.path("hint").asText(""),
                res.statusCode(),
                res.headers().firstValue("X-Request-Id").orElse(null),
                retryAfter(res.headers()));
    }

    static Duration retryAfter(HttpHeaders h) {
        // delay-seconds or an HTTP-date (RFC 9110 §10.2.3)
        return h.firstValue("Retry-After")
                .map(v -> {
                    try {
                        return Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
                    } catch (NumberFormatException e) {
                        return HttpDates.parse(v.trim())
                                .map(at -> {
                                    Duration d = Duration.between(Instant.now(), at);
                                    return d.isNegative() ? Duration.ZERO : d;
                                })
                                .orElse(null);
                    }
                })
                .orElse(null);
    }

    private static String requestIdSuffix(HttpHeaders h) {
        return h.firstValue("X-Request-Id")
                .map(id -> " (request id " + id + ")")
                .orElse("");
    }
}
