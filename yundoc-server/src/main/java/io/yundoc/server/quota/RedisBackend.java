package io.yundoc.server.quota;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Lettuce connection to the Redis of {@code --quota redis://host:port[/db][?prefix=...&timeout_ms=...]}, shared by
 * the quota counter and the replay cache. Lettuce multiplexes every caller over the one connection and reconnects by
 * itself; every command has a short timeout so an outage fails a call quickly instead of parking request threads.
 * {@code prefix} namespaces every key (several installations, or test runs, may share one Redis).
 */
public final class RedisBackend implements AutoCloseable {
    /**
     * INCRBY then EXPIRE when the key has no expiry yet: one atomic round trip per metered call, and the key dies
     * after its day even if the process that created it dies between the two.
     */
    static final String INCR_SCRIPT = "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) "
            + "if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end return v";
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix;
    private final String incrSha;

    public RedisBackend(String url) {
        URI u = URI.create(url);
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) {
            throw new IllegalArgumentException("--quota must look like redis://host:6379[?prefix=yundoc:]");
        }
        String prefix = "yundoc:";
        long timeoutMs = 500;
        List<String> kept = new ArrayList<>();
        if (u.getRawQuery() != null) {
            for (String kv : u.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                String v = eq < 0 ? "" : java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                switch (k) {
                    case "prefix" -> prefix = v;
                    case "timeout_ms" -> timeoutMs = Long.parseLong(v);
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
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(Math.max(timeoutMs, 1000))).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(timeoutMs)))
                .build());
        StatefulRedisConnection<String, String> c = null;
        try {
            c = client.connect(StringCodec.UTF8);
        } catch (RuntimeException e) {
            // Redis may be down at start: the counter runs in its failure policy and reconnects later
        }
        this.connection = c;
        this.incrSha = io.yundoc.protocol.Hex.of(io.yundoc.protocol.Hex.digest("SHA-1").digest(INCR_SCRIPT.getBytes(StandardCharsets.UTF_8)));
    }

    /** False after a failed command until a ping succeeds again (the quota reconciler pings every second). */
    private volatile boolean available = true;

    public boolean available() {
        return available;
    }

    public String prefix() {
        return prefix;
    }

    private volatile StatefulRedisConnection<String, String> lazy;

    RedisCommands<String, String> sync() {
        StatefulRedisConnection<String, String> c = connection != null ? connection : lazy;
        if (c == null) {
            synchronized (this) {
                if (lazy == null) {
                    lazy = client.connect(StringCodec.UTF8); // throws while Redis is still down
                }
                c = lazy;
            }
        }
        return c.sync();
    }

    /** INCRBY {@code delta} with the expiry set on first use; one round trip (EVALSHA, EVAL once on NOSCRIPT). */
    public long incrBy(String key, long delta, long ttlSeconds) {
        String[] keys = {prefix + key};
        String d = Long.toString(delta);
        String ttl = Long.toString(ttlSeconds);
        try {
            RedisCommands<String, String> r = sync();
            try {
                return r.evalsha(incrSha, ScriptOutputType.INTEGER, keys, d, ttl);
            } catch (RedisNoScriptException e) {
                return r.eval(INCR_SCRIPT, ScriptOutputType.INTEGER, keys, d, ttl);
            }
        } catch (RuntimeException e) {
            available = false;
            throw e;
        }
    }

    /** SET key 1 NX PX ttl: true when this call created it. */
    public boolean setIfAbsent(String key, long ttlMillis) {
        try {
            return "OK".equals(sync().set(prefix + key, "1", SetArgs.Builder.nx().px(Math.max(1, ttlMillis))));
        } catch (RuntimeException e) {
            available = false;
            throw e;
        }
    }

    public void delete(String key) {
        sync().del(prefix + key);
    }

    /** Keys under {@code prefix + pattern} with their integer values (SCAN, for the admin usage view). */
    public java.util.Map<String, Long> scanCounts(String keyPrefix) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        RedisCommands<String, String> r = sync();
        String match = (prefix + keyPrefix).replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            var page = r.scan(cursor, io.lettuce.core.ScanArgs.Builder.matches(match).limit(500));
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
        if (connection != null) {
            connection.close();
        }
        if (lazy != null) {
            lazy.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
