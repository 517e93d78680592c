package io.yundoc.server.quota;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.core.RedisBackend;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Quota counters shared by every instance: one Redis key per app/endpoint/day ({@code quota:<day>:<app>:<endpoint>}),
 * incremented by one atomic round trip per metered call and expiring after its day.
 *
 * <p>When Redis cannot be reached the {@link Policy} decides: {@code OPEN} (default) counts locally (each instance sees
 * only its own calls while it lasts), reports the outage as {@code yundoc_quota_backend_up 0} and
 * {@code yundoc_quota_unreconciled}, and adds the local counts into Redis (INCRBY) once it is back; {@code CLOSED}
 * refuses every metered call with 30004 until Redis returns.
 */
public final class RedisQuotaCounter implements QuotaCounter {
    private static final Logger LOG = Logger.getLogger(RedisQuotaCounter.class.getName());
    /** Keys outlive their day by this much so a late admin usage read still finds them. */
    private static final long GRACE_SECONDS = 3600;

    public enum Policy {
        OPEN,
        CLOSED
    }

    private record Key(String appId, String endpoint, String day) {
        String redisKey() {
            return "quota:" + day + ":" + appId + ":" + endpoint;
        }
    }

    private record Pending(AtomicLong count, long expiresAtMillis, long ttlSeconds) {}

    private final RedisBackend redis;
    private final Policy policy;
    private volatile boolean up = true;
    /** Calls counted while Redis was down, not yet added into Redis. */
    private final ConcurrentHashMap<Key, Pending> pending = new ConcurrentHashMap<>();
    /** The last value Redis returned per key: the base a local count during an outage adds to. */
    private final ConcurrentHashMap<Key, Long> lastSeen = new ConcurrentHashMap<>();

    private final ScheduledExecutorService reconciler;

    public RedisQuotaCounter(RedisBackend redis, Policy policy, MeterRegistry registry) {
        this.redis = redis;
        this.policy = policy;
        Gauge.builder("yundoc_quota_backend_up", () -> up ? 1 : 0)
                .description("1 while the shared quota store (Redis) answers")
                .register(registry);
        Gauge.builder("yundoc_quota_unreconciled", this::unreconciled)
                .description("metered calls counted locally during a Redis outage, not yet added into Redis")
                .register(registry);
        reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "yundoc-quota-reconcile");
            t.setDaemon(true);
            return t;
        });
        // the task catches its own failures: its future would only ever report the cancellation at shutdown
        var unused = reconciler.scheduleWithFixedDelay(this::probeAndReconcile, 1, 1, TimeUnit.SECONDS);
        up = redis.ping();
        if (!up) {
            LOG.warning("quota backend (Redis) unreachable at start; policy "
                    + policy.name().toLowerCase(Locale.ROOT));
        }
    }

    public boolean up() {
        return up;
    }

    public Policy policy() {
        return policy;
    }

    public long unreconciled() {
        long n = 0;
        for (Pending p : pending.values()) {
            n += p.count.get();
        }
        return n;
    }

    /**
     * One round trip: the count, and the row-cache generation the call's cached rows must carry (shared cache mode).
     * Rows out of date, or rows used unverified when Redis cannot vouch for them: nothing counted, and
     * {@link QuotaCounter#NOT_COUNTED} so that the call reads them again first.
     */
    @Override
    public long increment(ReadCache.Reads reads, String appId, String endpoint, String day, long ttlSeconds) {
        Key k = new Key(appId, endpoint, day);
        if (up) {
            try {
                RedisBackend.Metered m =
                        redis.meter(k.redisKey(), 1, ttlSeconds + GRACE_SECONDS, reads.expectedGeneration());
                reads.learnt(m.generation());
                if (!m.counted()) {
                    return NOT_COUNTED;
                }
                lastSeen.put(k, m.count());
                return m.count();
            } catch (RuntimeException e) {
                markDown(e);
                if (reads.storeFailed()) {
                    return NOT_COUNTED; // re-read from the database, then count (or refuse, by the policy)
                }
            }
        }
        if (policy == Policy.CLOSED) {
            throw new ApiException(ErrorCode.INTERNAL_ERROR, "quota backend unavailable");
        }
        if (reads.storeFailed()) {
            // Redis is down (found by this counter, or earlier in the call by the replay cache): nothing can vouch
            // for rows this call took from the cache, so it reads them again before it counts
            return NOT_COUNTED;
        }
        long[] local = new long[1];
        // compute() holds the key's lock, so the reconciler can never drop an entry mid-increment
        pending.compute(k, (x, p) -> {
            Pending q = p != null
                    ? p
                    : new Pending(
                            new AtomicLong(),
                            System.currentTimeMillis() + ttlSeconds * 1000,
                            ttlSeconds + GRACE_SECONDS);
            local[0] = q.count.incrementAndGet();
            return q;
        });
        return lastSeen.getOrDefault(k, 0L) + local[0];
    }

    private void markDown(RuntimeException e) {
        if (up) {
            up = false;
            LOG.log(
                    Level.WARNING,
                    "quota backend (Redis) unreachable, policy " + policy.name().toLowerCase(Locale.ROOT) + ": " + e);
        }
    }

    /** Once a second: while down, probe; once back, add the local counts into Redis, then resume using it. */
    private void probeAndReconcile() {
        try {
            if (!up && !redis.ping()) {
                return;
            }
            for (var e : pending.entrySet()) {
                Pending p = e.getValue();
                long n = p.count.get();
                if (n == 0) {
                    continue;
                }
                if (System.currentTimeMillis() > p.expiresAtMillis) {
                    pending.remove(e.getKey()); // that day is over: nothing left to enforce
                    continue;
                }
                long v = redis.incrBy(e.getKey().redisKey(), n, p.ttlSeconds);
                lastSeen.put(e.getKey(), v);
                pending.computeIfPresent(e.getKey(), (x, q) -> q.count.addAndGet(-n) == 0 ? null : q);
            }
            if (!up) {
                LOG.info("quota backend (Redis) is back; local counts reconciled");
            }
            up = true;
        } catch (RuntimeException e) {
            markDown(e);
        }
    }

    @Override
    public Map<String, Long> usage(String appId, String day) {
        Map<String, Long> out = new HashMap<>();
        String keyPrefix = "quota:" + day + ":" + appId + ":";
        if (up) {
            try {
                redis.scanCounts(keyPrefix).forEach((k, v) -> out.put(k.substring(keyPrefix.length()), v));
            } catch (RuntimeException e) {
                markDown(e);
                lastSeen.forEach((k, v) -> {
                    if (k.appId.equals(appId) && k.day.equals(day)) {
                        out.put(k.endpoint, v);
                    }
                });
            }
        }
        pending.forEach((k, p) -> {
            if (k.appId.equals(appId) && k.day.equals(day)) {
                out.merge(k.endpoint, p.count.get(), Long::sum);
            }
        });
        return out;
    }

    @Override
    public void close() {
        reconciler.shutdownNow();
        if (up && !pending.isEmpty()) {
            probeAndReconcile();
        }
    }
}
