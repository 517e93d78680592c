package io.yundoc.server.quota;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.Memo;
import io.yundoc.server.core.Metrics;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.core.ServerClock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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

    /** Policy texts by limit: a handful of distinct values, sent on every metered response. */
    private static final Memo<Long, String> POLICIES = new Memo<>(1024, limit -> "\"daily\";q=" + limit + ";w=86400");

    private volatile QuotaDay current;

    public QuotaService(QuotaCounter counter, ServerClock clock, ZoneId zone, Metrics metrics) {
        this.counter = counter;
        this.clock = clock;
        this.zone = zone;
        this.metrics = metrics;
    }

    /** The result of counting one call: what the headers say. */
    public record Decision(long limit, long remaining, long resetSeconds) {
        public Map<String, String> headers() {
            Map<String, String> h = new LinkedHashMap<>();
            addHeaders(h);
            return h;
        }

        /** Puts the RateLimit headers (none for an unlimited endpoint) into {@code headers}. */
        public void addHeaders(Map<String, String> headers) {
            if (limit == UNLIMITED) {
                return;
            }
            headers.put("RateLimit-Policy", policy(limit));
            headers.put("RateLimit", "\"daily\";r=" + remaining + ";t=" + resetSeconds);
        }
    }

    private static String policy(long limit) {
        return POLICIES.get(limit);
    }

    /**
     * Counts the call against {@code endpoint} ("GET /api/v1/openapi/...") and returns the headers to send, or throws
     * 30002 when the day's quota is used up. Empty when nothing was counted because the rows the call read through
     * {@code reads} were out of date (see {@link QuotaCounter#increment}).
     */
    public Optional<Decision> consume(
            ReadCache.Reads reads, String appId, boolean formal, String overridesJson, String endpoint, Tier tier) {
        long limit = limitFor(formal, overridesJson, endpoint, tier);
        long nowMillis = clock.millis();
        QuotaDay d = day(nowMillis);
        long reset = Math.max(1, (d.endMillis - nowMillis + 999) / 1000);
        long used = counter.increment(reads, appId, endpoint, d.name, reset);
        if (used == QuotaCounter.NOT_COUNTED) {
            return Optional.empty();
        }
        if (limit == UNLIMITED) {
            return Optional.of(new Decision(UNLIMITED, 0, reset));
        }
        Decision decision = new Decision(limit, Math.max(0, limit - used), reset);
        if (used > limit) {
            metrics.quotaRejected(endpoint);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Retry-After", Long.toString(reset));
            headers.putAll(decision.headers());
            throw new ApiException(
                    ErrorCode.RATE_LIMITER,
                    "daily quota " + limit + " exhausted for " + endpoint + "; resets "
                            + Instant.ofEpochMilli(d.endMillis).atZone(zone).toOffsetDateTime(),
                    headers);
        }
        return Optional.of(decision);
    }

    /** The quota day containing {@code nowMillis}: its name and exact end (DST-safe), cached until it ends. */
    private QuotaDay day(long nowMillis) {
        QuotaDay d = current;
        if (d == null || nowMillis < d.startMillis || nowMillis >= d.endMillis) {
            LocalDate date = Instant.ofEpochMilli(nowMillis).atZone(zone).toLocalDate();
            d = new QuotaDay(
                    date.toString(),
                    date.atStartOfDay(zone).toInstant().toEpochMilli(),
                    date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli());
            current = d;
        }
        return d;
    }

    private record QuotaDay(String name, long startMillis, long endMillis) {}

    public long limitFor(boolean formal, String overridesJson, String endpoint, Tier tier) {
        Long o = overrides(overridesJson).get(endpoint);
        return o != null ? o : tier.limit(formal);
    }

    public String today() {
        return day(clock.millis()).name;
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
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("corrupt quota_overrides", e);
            }
            return m;
        });
    }
}
