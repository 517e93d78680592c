package io.yundoc.server.core;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.yundoc.protocol.Hex;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Lettuce connection to the Redis of {@code --quota redis://host:port[/db][?prefix=...&timeout_ms=...]}, shared by
 * the quota counter and the replay cache. Lettuce multiplexes every caller over the one connection and reconnects by
 * itself; every command has a short timeout so an outage fails a call quickly instead of parking request threads.
 * {@code prefix} namespaces every key (several installations, or test runs, may share one Redis).
 *
 * <p>Metered calls ({@link #meter}) are combined by default ({@code flush=combined}, {@link MeterCombiner}): calls that
 * arrive while one batch is on its way go out together in one script call. A single instance's signed route did
 * 34–43k req/s with it against 25k one command per call ({@code flush=auto}), on the same machine (issue 19,
 * docs/benchmarks.md).
 *
 * <p>{@code flush=batched} (issue 19, an experiment kept as an option): metered calls go over a second connection whose
 * commands are not flushed one by one; each caller queues its EVALSHA and then flushes, so callers arriving together
 * share one socket write and one hand-off to Lettuce's event loop. Every call still waits for its own answer, in
 * which Redis checked the generation after the call arrived, so the row cache stays exact.
 */
public final class RedisBackend implements AutoCloseable, ReadCache.Generations {
    /**
     * INCRBY then EXPIRE when the key has no expiry yet: one atomic round trip, and the key dies after its day even if
     * the process that created it dies between the two. (The reconciler adds counts made during an outage with it.)
     */
    static final String INCR_SCRIPT = "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
            + "if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end return v";
    /**
     * One metered call: counts it, unless the caller's cached rows carry another generation than the current one
     * (ARGV[3], empty when none): then counts nothing and answers -1. Returns {count, generation}.
     */
    static final String METER_SCRIPT = generation("KEYS[2]")
            + "if ARGV[3] ~= '' and ARGV[3] ~= g then return {-1, g} end "
            + "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
            + "if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end return {v, g}";

    static final String CURRENT_SCRIPT = generation("KEYS[1]") + "return g";
    static final String ADVANCE_SCRIPT =
            "if redis.call('EXISTS', KEYS[1]) == 1 then return tostring(redis.call('INCR', KEYS[1])) end "
                    + generation("KEYS[1]") + "return g";
    private static final String GENERATION_KEY = "cache-generation";
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix;
    private final String incrSha;
    private final String meterSha;
    private final String currentSha;
    private final String advanceSha;
    private final long timeoutMs;
    /** With {@code flush=batched}: the connection of metered calls, flushed by its callers; else null. */
    private final StatefulRedisConnection<String, String> meterConnection;
    /** With {@code flush=combined}: metered calls go out in batches, one script call each; else null. */
    private final MeterCombiner combiner;

    /** False after a failed command until a ping succeeds again (the quota reconciler pings every second). */
    private volatile boolean available = true;

    private volatile StatefulRedisConnection<String, String> lazy;
    /**
     * Reads the cache generation (see {@link ReadCache}) into {@code g}. A lost key (Redis
     * restarted or flushed) comes back as the server's time in microseconds: larger than any generation handed out
     * before, since those grew by one per write from an earlier time, so no entry cached before the loss can match it.
     */
    static String generation(String key) {
        return "local g = redis.call('GET', " + key + ") if not g then local t = redis.call('TIME') "
                + "g = t[1] .. string.sub('00000' .. t[2], -6) redis.call('SET', " + key + ", g) end ";
    }

    public RedisBackend(String url) {
        URI u = URI.create(url);
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) {
            throw new IllegalArgumentException("--quota must look like redis://host:6379[?prefix=yundoc:]");
        }
        String prefix = "yundoc:";
        long timeoutMs = 500;
        String flush = "combined";
        List<String> kept = new ArrayList<>();
        if (u.getRawQuery() != null) {
            for (String kv : u.getRawQuery().split("&", -1)) {
                if (kv.isEmpty()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                switch (k) {
                    case "prefix" -> prefix = v;
                    case "timeout_ms" -> timeoutMs = Long.parseLong(v);
                    case "flush" -> {
                        if (!v.equals("auto") && !v.equals("batched") && !v.equals("combined")) {
                            throw new IllegalArgumentException(
                                    "--quota redis://...?flush= takes auto, batched or combined");
                        }
                        flush = v;
                    }
                    default -> kept.add(kv);
                }
            }
        }
        String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        RedisURI uri = RedisURI.create(kept.isEmpty() ? base : base + "?" + String.join("&", kept));
        uri.setTimeout(Duration.ofMillis(timeoutMs));
        this.prefix = prefix;
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // while disconnected, fail commands at once instead of queueing them until the timeout
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofMillis(Math.max(timeoutMs, 1000)))
                        .keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(timeoutMs)))
                .build());
        StatefulRedisConnection<String, String> c = null;
        try {
            c = client.connect(StringCodec.UTF8);
        } catch (RuntimeException e) {
            // Redis may be down at start: the counter runs in its failure policy and reconnects later
        }
        this.connection = c;
        this.timeoutMs = timeoutMs;
        StatefulRedisConnection<String, String> m = null;
        if (flush.equals("batched") && c != null) {
            try {
                m = client.connect(StringCodec.UTF8);
                m.setAutoFlushCommands(false);
            } catch (RuntimeException e) {
                // Redis went away between the two connects: metered calls use the shared connection
            }
        }
        this.meterConnection = m;
        this.combiner = flush.equals("combined")
                ? new MeterCombiner(this::shared, prefix + GENERATION_KEY, Duration.ofMillis(2 * timeoutMs))
                : null;
        this.incrSha = sha1(INCR_SCRIPT);
        this.meterSha = sha1(METER_SCRIPT);
        this.currentSha = sha1(CURRENT_SCRIPT);
        this.advanceSha = sha1(ADVANCE_SCRIPT);
    }

    static String sha1(String script) {
        return Hex.of(Hex.digest("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    }

    public boolean available() {
        return available;
    }

    public String prefix() {
        return prefix;
    }

    RedisCommands<String, String> sync() {
        return shared().sync();
    }

    /** The shared connection: the one made at start, or one made now when Redis was down then. */
    private StatefulRedisConnection<String, String> shared() {
        StatefulRedisConnection<String, String> c = connection != null ? connection : lazy;
        if (c == null) {
            synchronized (this) {
                if (lazy == null) {
                    lazy = client.connect(StringCodec.UTF8); // throws while Redis is still down
                }
                c = lazy;
            }
        }
        return c;
    }

    /** INCRBY {@code delta} with the expiry set on first use; one round trip. */
    public long incrBy(String key, long delta, long ttlSeconds) {
        return this.<Long>script(
                incrSha,
                INCR_SCRIPT,
                ScriptOutputType.INTEGER,
                new String[] {prefix + key},
                Long.toString(delta),
                Long.toString(ttlSeconds));
    }

    /** What {@link #meter} found: the count including this call ({@code -1}: not counted), and the generation. */
    public record Metered(long count, long generation) {
        public boolean counted() {
            return count >= 0;
        }
    }

    /**
     * One metered call in one round trip: INCRBY {@code delta} (expiry set on first use) and the cache generation,
     * counting nothing when {@code expectedGeneration} is set ({@link io.yundoc.server.core.ReadCache#NONE}: not) and
     * is not the current one.
     */
    public Metered meter(String key, long delta, long ttlSeconds, long expectedGeneration) {
        String expected = expectedGeneration == ReadCache.NONE ? "" : Long.toString(expectedGeneration);
        if (combiner != null) {
            return await(combiner.submit(prefix + key, delta, ttlSeconds, expected));
        }
        return meterOn(
                new String[] {prefix + key, prefix + GENERATION_KEY},
                Long.toString(delta),
                Long.toString(ttlSeconds),
                expected);
    }

    /**
     * {@link #meter} through the asynchronous API and a bounded wait: every metered call passes here, and the
     * synchronous API would add a reflective proxy call to each (6 % of an instance's samples in the scale-out
     * profile). With {@code flush=batched}: over the manually flushed connection, flushing what is queued (ours and
     * other calls') before the wait.
     */
    private Metered meterOn(String[] keys, String... args) {
        try {
            boolean batched = meterConnection != null;
            StatefulRedisConnection<String, String> c = batched ? meterConnection : shared();
            RedisFuture<List<Object>> f = c.async().evalsha(meterSha, ScriptOutputType.MULTI, keys, args);
            if (batched) {
                c.flushCommands();
            }
            List<Object> r;
            try {
                r = f.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RedisNoScriptException)) {
                    throw causeOf(e);
                }
                r = sync().eval(
                                METER_SCRIPT,
                                ScriptOutputType.MULTI,
                                keys,
                                args); // Redis forgot the script: load it once
            } catch (TimeoutException e) {
                f.cancel(true);
                throw new RedisCommandTimeoutException("metered call: no answer from Redis in " + timeoutMs + " ms");
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
            return new Metered((Long) r.get(0), Long.parseLong((String) r.get(1)));
        } catch (RuntimeException e) {
            available = false;
            throw e;
        }
    }

    /**
     * A combined metered call's answer; a failure marks Redis unavailable. The wait has no timer of its own: a timed
     * park of a virtual thread cost a context switch per call (one instance: 1.7 against 0.5 per request, 35 against
     * 28 µs of CPU). The batch's answer is bounded instead, by the connection's command timeout and behind it by
     * {@link MeterCombiner}'s safety net of twice that.
     */
    private Metered await(CompletableFuture<Metered> answer) {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            available = false;
            if (e.getCause() instanceof TimeoutException) {
                throw new RedisCommandTimeoutException(
                        "metered call: no answer from Redis in " + 2 * timeoutMs + " ms");
            }
            throw causeOf(e);
        } catch (InterruptedException e) {
            available = false;
            throw interrupted(e);
        }
    }

    /** What a failed asynchronous call failed with, as the runtime exception the synchronous API would throw. */
    private static RuntimeException causeOf(ExecutionException e) {
        return e.getCause() instanceof RuntimeException re ? re : new RedisException(e.getCause());
    }

    /** An interrupted wait for Redis: the interrupt stays set for the caller, as Lettuce's synchronous API does. */
    private static RuntimeException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new RedisCommandInterruptedException(e);
    }

    @Override
    public long current() {
        return Long.parseLong(this.<String>script(
                currentSha, CURRENT_SCRIPT, ScriptOutputType.VALUE, new String[] {prefix + GENERATION_KEY}));
    }

    @Override
    public void advance() {
        script(advanceSha, ADVANCE_SCRIPT, ScriptOutputType.VALUE, new String[] {prefix + GENERATION_KEY});
    }

    @Override
    public boolean usable() {
        return available;
    }

    /** EVALSHA, or EVAL once when Redis does not know the script yet (it forgets them on restart). */
    @SuppressWarnings("TypeParameterUnusedInFormals") // as Lettuce's eval/evalsha: the output type decides the result's
    private <T> T script(String sha, String script, ScriptOutputType type, String[] keys, String... args) {
        try {
            RedisCommands<String, String> r = sync();
            try {
                return r.evalsha(sha, type, keys, args);
            } catch (RedisNoScriptException e) {
                return r.eval(script, type, keys, args);
            }
        } catch (RuntimeException e) {
            available = false;
            throw e;
        }
    }

    /** SET key 1 NX PX ttl: true when this call created it. */
    public boolean setIfAbsent(String key, long ttlMillis) {
        try {
            return "OK"
                    .equals(sync().set(prefix + key, "1", SetArgs.Builder.nx().px(Math.max(1, ttlMillis))));
        } catch (RuntimeException e) {
            available = false;
            throw e;
        }
    }

    public void delete(String key) {
        sync().del(prefix + key);
    }

    /** Keys under {@code prefix + pattern} with their integer values (SCAN, for the admin usage view). */
    public Map<String, Long> scanCounts(String keyPrefix) {
        Map<String, Long> out = new HashMap<>();
        RedisCommands<String, String> r = sync();
        String match = (prefix + keyPrefix).replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            var page = r.scan(cursor, ScanArgs.Builder.matches(match).limit(500));
            List<String> keys = page.getKeys();
            if (!keys.isEmpty()) {
                var values = r.mget(keys.toArray(String[]::new));
                for (var kv : values) {
                    if (kv.hasValue()) {
                        out.put(kv.getKey().substring(prefix.length()), Long.parseLong(kv.getValue()));
                    }
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        return out;
    }

    public boolean ping() {
        try {
            available = "PONG".equals(sync().ping());
        } catch (RuntimeException e) {
            available = false;
        }
        return available;
    }

    @Override
    public void close() {
        if (combiner != null) {
            combiner.close();
        }
        if (meterConnection != null) {
            meterConnection.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (lazy != null) {
            lazy.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
