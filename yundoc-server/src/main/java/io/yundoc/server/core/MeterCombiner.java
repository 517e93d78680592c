package io.yundoc.server.core;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Metered calls combined into one script call (issue 19 item 3, {@code flush=combined}): while one batch is on its way
 * to Redis, the calls that arrive queue up, and the batch's answer sends them all in one EVALSHA. One command, one
 * answer and one hand-off between threads per batch instead of per call; a lone call goes out at once.
 *
 * <p>Exact as one round trip per call: every call is counted by its own INCRBY, and the generation its rows are checked
 * against is read in the same script, which runs after the call was queued. The answer's next batch is written from
 * Lettuce's event loop itself, so it does not wake that loop as a write from a request thread does.
 */
final class MeterCombiner {
    /**
     * KEYS[1] the cache generation, then one quota key per call; ARGV three per call: delta, expiry, the generation
     * the call's rows carry (empty: none). Returns {generation, count or -1 per call}, as {@code METER_SCRIPT} does for
     * one.
     */
    static final String SCRIPT = RedisBackend.generation("KEYS[1]")
            + "local out = {g} for i = 2, #KEYS do local a = 3 * i - 5 "
            + "if ARGV[a + 2] ~= '' and ARGV[a + 2] ~= g then out[i] = -1 else "
            + "local v = redis.call('INCRBY', KEYS[i], ARGV[a]) "
            + "if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], ARGV[a + 1]) end out[i] = v end end "
            + "return out";

    /** Keeps one script call's work (and Redis's pause for it) small when very many calls wait. */
    private static final int MAX_BATCH = 128;

    private record Call(
            String key, String delta, String ttl, String expected, CompletableFuture<RedisBackend.Metered> answer) {}

    private final Supplier<StatefulRedisConnection<String, String>> connection;
    private final String generationKey;
    private final String sha;
    private final ConcurrentLinkedQueue<Call> queue = new ConcurrentLinkedQueue<>();
    /** True while a batch is on its way; whoever sets it sends the next batch. */
    private final AtomicBoolean sending = new AtomicBoolean();

    MeterCombiner(Supplier<StatefulRedisConnection<String, String>> connection, String generationKey) {
        this.connection = connection;
        this.generationKey = generationKey;
        this.sha = RedisBackend.sha1(SCRIPT);
    }

    /** Queues one call; the answer completes with its count, or exceptionally when Redis failed the batch. */
    CompletableFuture<RedisBackend.Metered> submit(String key, long delta, long ttlSeconds, String expected) {
        Call c = new Call(key, Long.toString(delta), Long.toString(ttlSeconds), expected, new CompletableFuture<>());
        queue.add(c);
        if (sending.compareAndSet(false, true)) {
            sendNext();
        }
        return c.answer;
    }

    /** Runs while holding {@link #sending}: sends what is queued, or lets go when nothing is. */
    private void sendNext() {
        while (true) {
            List<Call> batch = new ArrayList<>();
            for (Call c; batch.size() < MAX_BATCH && (c = queue.poll()) != null; ) {
                batch.add(c);
            }
            if (!batch.isEmpty()) {
                send(batch);
                return;
            }
            sending.set(false);
            // a call queued after the poll but before the flag dropped found it set: send it now, unless its own
            // caller (or another) took the flag since
            if (queue.isEmpty() || !sending.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void send(List<Call> batch) {
        String[] keys = new String[batch.size() + 1];
        String[] args = new String[batch.size() * 3];
        keys[0] = generationKey;
        for (int i = 0; i < batch.size(); i++) {
            Call c = batch.get(i);
            keys[i + 1] = c.key;
            args[3 * i] = c.delta;
            args[3 * i + 1] = c.ttl;
            args[3 * i + 2] = c.expected;
        }
        RedisFuture<List<Object>> f;
        try {
            f = connection.get().async().evalsha(sha, ScriptOutputType.MULTI, keys, args);
        } catch (RuntimeException e) {
            answer(batch, null, e);
            return;
        }
        f.whenComplete((r, e) -> {
            if (e != null && unwrap(e) instanceof RedisNoScriptException) {
                // Redis forgot the script (a restart): send its text once; it is known again afterwards
                try {
                    connection
                            .get()
                            .async()
                            .<List<Object>>eval(SCRIPT, ScriptOutputType.MULTI, keys, args)
                            .whenComplete((r2, e2) -> answer(batch, r2, e2));
                } catch (RuntimeException e2) {
                    answer(batch, null, e2);
                }
                return;
            }
            answer(batch, r, e);
        });
    }

    /** Sends the calls that queued meanwhile, then completes every call of this batch. */
    private void answer(List<Call> batch, List<Object> r, Throwable e) {
        try {
            sendNext();
        } finally {
            complete(batch, r, e);
        }
    }

    private static void complete(List<Call> batch, List<Object> r, Throwable e) {
        try {
            if (e != null) {
                Throwable cause = unwrap(e);
                for (Call c : batch) {
                    c.answer.completeExceptionally(cause);
                }
            } else {
                long generation = Long.parseLong((String) r.get(0));
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).answer.complete(new RedisBackend.Metered((Long) r.get(i + 1), generation));
                }
            }
        } catch (RuntimeException bad) {
            for (Call c : batch) {
                c.answer.completeExceptionally(bad); // an answer of the wrong shape: no call may hang on it
            }
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
