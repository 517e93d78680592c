package io.yundoc.server.core;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
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
final class MeterCombiner implements AutoCloseable {
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
    private final long giveUpNanos;
    /** The command of the batch on its way (done ones may linger), and since when; read by the safety net's sweep. */
    private volatile CompletableFuture<?> inFlight;

    private volatile long inFlightSince;
    private final ScheduledExecutorService watch;
    private final ConcurrentLinkedQueue<Call> queue = new ConcurrentLinkedQueue<>();
    /** True while a batch is on its way; whoever sets it sends the next batch. */
    private final AtomicBoolean sending = new AtomicBoolean();

    /**
     * @param giveUpAfter how long a batch may wait for its answer before its calls fail (checked every half of it): a
     *     safety net behind the connection's own command timeout, so that no caller (they wait without a timer of their
     *     own) can wait for ever
     */
    MeterCombiner(
            Supplier<StatefulRedisConnection<String, String>> connection, String generationKey, Duration giveUpAfter) {
        this.connection = connection;
        this.generationKey = generationKey;
        this.giveUpNanos = giveUpAfter.toNanos();
        this.watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "yundoc-redis-meter-watch");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, giveUpAfter.toMillis() / 2);
        // the sweep catches nothing it could throw; its future would only ever report the cancellation at close
        var unused = watch.scheduleWithFixedDelay(this::giveUpOnStuck, every, every, TimeUnit.MILLISECONDS);
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
        sendCommand(batch, () -> connection.get().async().evalsha(sha, ScriptOutputType.MULTI, keys, args), e -> {
            if (unwrap(e) instanceof RedisNoScriptException) {
                // Redis forgot the script (a restart): send its text once; it is known again afterwards
                sendCommand(
                        batch, () -> connection.get().async().eval(SCRIPT, ScriptOutputType.MULTI, keys, args), null);
                return true;
            }
            return false;
        });
    }

    /**
     * Sends one command for {@code batch} and answers the batch with its outcome, unless {@code retry} takes a failure
     * over. A send that throws answers the batch at once.
     */
    private void sendCommand(
            List<Call> batch, Supplier<RedisFuture<List<Object>>> command, Predicate<Throwable> retry) {
        CompletableFuture<List<Object>> f;
        try {
            f = command.get().toCompletableFuture();
            inFlightSince = System.nanoTime();
            inFlight = f;
        } catch (RuntimeException e) {
            answer(batch, null, e);
            return;
        }
        // the stage whenComplete returns only repeats this one's outcome, which the callback handles
        var unused = f.whenComplete((r, e) -> {
            if (e == null || retry == null || !retry.test(e)) {
                answer(batch, r, e);
            }
        });
    }

    /**
     * The safety net, every half {@code giveUpAfter}: fails the batch on its way when it has waited longer than that. A
     * sweep rather than a timer per batch: one timer per batch cost as much as the timed wait it replaces.
     */
    private void giveUpOnStuck() {
        CompletableFuture<?> f = inFlight;
        if (f != null && !f.isDone() && System.nanoTime() - inFlightSince > giveUpNanos) {
            f.completeExceptionally(new TimeoutException("no answer from Redis in " + giveUpNanos / 1_000_000 + " ms"));
        }
    }

    /** Stops the safety net's sweep (the connection's owner closes the connection). */
    @Override
    public void close() {
        watch.shutdownNow();
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
