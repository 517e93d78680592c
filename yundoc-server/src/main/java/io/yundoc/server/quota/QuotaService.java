package io.yundoc.server.quota;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.Metrics;
import io.yundoc.server.core.ServerClock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Daily per-app, per-endpoint quotas (api.md §4): limits by tier and app type, operator overrides, the
 * RateLimit headers on every metered response and 30002 + Retry-After over the limit.
 */
public final class QuotaService {
    public static final long UNLIMITED = -1;
    private final QuotaCounter counter;
    private final ServerClock clock;
    private final ZoneId zone;
    private final Metrics metrics;
    private final Map<String, Map<String, Long>> parsedOverrides = new ConcurrentHashMap<>();

    public QuotaService(QuotaCounter counter, ServerClock clock, ZoneId zone, Metrics metrics) {
        this.counter = counter;
        this.clock = clock;
        this.zone = zone;
        this.metrics = metrics;
    }

    /** The result of counting one call: what the headers say. */
    public record Decision(long limit, long remaining, long resetSeconds) {
        public Map<String, String> headers() {
            if (limit == UNLIMITED) {
                return Map.of();
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("RateLimit-Policy", "\"daily\";q=" + limit + ";w=86400");
            h.put("RateLimit", "\"daily\";r=" + remaining + ";t=" + resetSeconds);
            return h;
        }
    }

    /**
     * Counts the call against {@code endpoint} ("GET /api/v1/openapi/...") and returns the headers to send,
     * or throws 30002 when the day's quota is used up.
     */
    public Decision consume(String appId, boolean formal, String overridesJson, String endpoint, Tier tier) {
        long limit = limitFor(formal, overridesJson, endpoint, tier);
        ZonedDateTime now = clock.instant().atZone(zone);
        LocalDate day = now.toLocalDate();
        ZonedDateTime next = day.plusDays(1).atStartOfDay(zone);
        long reset = Math.max(1, Duration.between(now, next).toSeconds());
        if (limit == UNLIMITED) {
            counter.increment(appId, endpoint, day.toString(), reset);
            return new Decision(UNLIMITED, 0, reset);
        }
        long used = counter.increment(appId, endpoint, day.toString(), reset);
        Decision d = new Decision(limit, Math.max(0, limit - used), reset);
        if (used > limit) {
            metrics.quotaRejected(endpoint);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Retry-After", Long.toString(reset));
            headers.putAll(d.headers());
            throw new ApiException(ErrorCode.RATE_LIMITER, "daily quota " + limit + " exhausted for " + endpoint
                    + "; resets " + next.toOffsetDateTime(), headers);
        }
        return d;
    }

    public long limitFor(boolean formal, String overridesJson, String endpoint, Tier tier) {
        Long o = overrides(overridesJson).get(endpoint);
        return o != null ? o : tier.limit(formal);
    }

    public String today() {
        return clock.instant().atZone(zone).toLocalDate().toString();
    }

    public Map<String, Long> usage(String appId) {
        return counter.usage(appId, today());
    }

    private Map<String, Long> overrides(String json) {
        if (json == null || json.isEmpty() || "{}".equals(json)) {
            return Map.of();
        }
        return parsedOverrides.computeIfAbsent(json, j -> {
            Map<String, Long> m = new LinkedHashMap<>();
            try {
                JsonNode n = Json.MAPPER.readTree(j);
                n.fields().forEachRemaining(e -> {
                    JsonNode v = e.getValue();
                    if (v.isTextual() && "unlimited".equals(v.asText())) {
                        m.put(e.getKey(), UNLIMITED);
                    } else if (v.canConvertToLong()) {
                        m.put(e.getKey(), v.asLong());
                    }
                });
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("corrupt quota_overrides", e);
            }
            return m;
        });
    }
}
