package io.yundoc.server.oauth;

import io.yundoc.protocol.Hex;
import io.yundoc.server.core.ServerClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.jdbi.v3.core.Jdbi;

/**
 * Failed-login delays in the manner of Nextcloud's brute-force protection (issue 13): there is no lock-out, only a
 * wait before the password is checked, growing with failures and capped ({@code --login-max-delay}, 25 s), so the
 * owner of an account under attack still gets in with the right password.
 *
 * <p><b>The rule.</b> Failures are counted per account name, per client address (behind a trusted proxy, the address
 * it forwards) and per pair of the two. A count forgets itself when its last failure is older than the memory window
 * ({@code --login-lockout}, 15 min). A count of {@code n} asks for {@code delay(n)}: nothing while {@code n} is at most
 * the free failures ({@code --login-max-failures}, 3: typos), then 1 s, doubling with each further failure, at most
 * the cap. An attempt for account A from address I waits
 * {@code max(delay(failures of I), delay(failures of A))}, except that an address with no failures of its own waits
 * at most {@link #FRESH_ADDRESS_CAP} (2 s) for the account's share. So an address that fails a lot waits long
 * whatever names it tries, failures at other addresses never delay the owner at a clean address by more than 2 s,
 * and a botnet of fresh addresses still pays those 2 s per guess. Names are counted whether or not such an account
 * exists, and stored hashed, so the throttle reveals nothing about accounts.
 *
 * <p>A success for A from I forgets the pair's failures and takes them off A's and I's counts too (the owner's own
 * typos), while I's failures on other names stay: an attacker's one valid account does not wipe its record.
 *
 * <p><b>Waiting.</b> The wait sleeps the request's virtual thread, which holds no platform thread. At most
 * {@link #PER_ADDRESS} attempts per address run at a time (waiting or being checked), so a parallel burst from one
 * address cannot outrun its growing delay, and at most {@link #MAX_WAITING} requests wait in all. Past either bound
 * the attempt is refused at once ({@link Refused}: 429 with Retry-After) and not counted. Counts live in the database,
 * so every instance sees the same failures; the two bounds are per instance.
 */
public final class LoginThrottle {
    /** At most this much of an account's delay falls on an address that has no failures of its own. */
    static final Duration FRESH_ADDRESS_CAP = Duration.ofSeconds(2);
    /** Attempts one address may have running at a time, on this instance. */
    static final int PER_ADDRESS = 4;
    /** Requests that may sleep in a delay at a time, on this instance. */
    static final int MAX_WAITING = 1000;

    private final Jdbi jdbi;
    private final ServerClock clock;
    private final int freeFailures;
    private final long windowMillis;
    private final long maxDelayMillis;
    private final int perAddress;
    private final int maxWaiting;
    private final Map<String, Integer> running = new ConcurrentHashMap<>();
    private final Semaphore waiting;

    /**
     * @param freeFailures failures per key before delays start ({@code --login-max-failures})
     * @param window how long a key's failures are remembered after its last one ({@code --login-lockout})
     * @param maxDelay the cap of one wait ({@code --login-max-delay}); zero turns delays off
     */
    public LoginThrottle(Jdbi jdbi, ServerClock clock, int freeFailures, Duration window, Duration maxDelay) {
        this(jdbi, clock, freeFailures, window, maxDelay, PER_ADDRESS, MAX_WAITING);
    }

    /** With other bounds than {@link #PER_ADDRESS} and {@link #MAX_WAITING} (tests reach them with a few requests). */
    LoginThrottle(
            Jdbi jdbi,
            ServerClock clock,
            int freeFailures,
            Duration window,
            Duration maxDelay,
            int perAddress,
            int maxWaiting) {
        this.perAddress = perAddress;
        this.maxWaiting = maxWaiting;
        this.waiting = new Semaphore(maxWaiting);
        this.jdbi = jdbi;
        this.clock = clock;
        this.freeFailures = freeFailures;
        this.windowMillis = window.toMillis();
        this.maxDelayMillis = maxDelay.toMillis();
    }

    /** The three counting keys of one attempt. */
    record Keys(String account, String address, String pair) {
        static Keys of(String name, String address) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            return new Keys("u:" + sha(n), "a:" + sha(address), "p:" + sha(n + "\n" + address));
        }

        List<String> all() {
            return List.of(account, address, pair);
        }

        private static String sha(String s) {
            return Hex.sha256(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An attempt refused before any wait: too many at once from its address, or too many waiting overall. */
    public static final class Refused extends Exception {
        private final long retryAfterSeconds;

        Refused(long retryAfterSeconds) {
            super(null, null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** An admitted attempt that has served its wait. Report its outcome, then close it to free its address's slot. */
    public final class Attempt implements AutoCloseable {
        private final Keys keys;
        private boolean closed;

        private Attempt(Keys keys) {
            this.keys = keys;
        }

        public void failed() {
            failure(keys);
        }

        public void succeeded() {
            success(keys);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                running.computeIfPresent(keys.address(), (k, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    /**
     * Admits one attempt for {@code name} from {@code address} and sleeps its delay; the caller checks the password
     * afterwards and reports the outcome on the returned attempt.
     */
    public Attempt admit(String name, String address) throws Refused {
        Keys keys = Keys.of(name, address);
        boolean[] took = new boolean[1];
        running.compute(keys.address(), (k, n) -> {
            int now = n == null ? 0 : n;
            took[0] = now < perAddress;
            return took[0] ? now + 1 : n;
        });
        if (!took[0]) {
            throw new Refused(Math.max(1, (maxDelayMillis + 999) / 1000));
        }
        Attempt attempt = new Attempt(keys);
        try {
            long delay = delayMillis(keys);
            if (delay > 0) {
                if (!waiting.tryAcquire()) {
                    throw new Refused((delay + 999) / 1000);
                }
                try {
                    Thread.sleep(delay);
                } finally {
                    waiting.release();
                }
            }
            return attempt;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempt.close();
            throw new Refused(1);
        } catch (Refused | RuntimeException e) {
            attempt.close();
            throw e;
        }
    }

    /** Requests sleeping in a delay now, on this instance. */
    int waitingNow() {
        return maxWaiting - waiting.availablePermits();
    }

    /** The wait of the next attempt with these keys, by the rule in the class comment. */
    long delayMillis(Keys keys) {
        Map<String, Integer> counts = counts(keys);
        int address = counts.getOrDefault(keys.address(), 0);
        long accountShare = delay(counts.getOrDefault(keys.account(), 0));
        if (address == 0) {
            accountShare = Math.min(accountShare, FRESH_ADDRESS_CAP.toMillis());
        }
        return Math.max(delay(address), accountShare);
    }

    /** {@code delay(n)} of the class comment, in milliseconds. */
    long delay(int failures) {
        if (failures <= freeFailures) {
            return 0;
        }
        return Math.min(maxDelayMillis, 1000L << Math.min(30, failures - freeFailures - 1));
    }

    /** The live failure counts of the keys: rows past the memory window count as none. */
    private Map<String, Integer> counts(Keys keys) {
        long since = clock.millis() - windowMillis;
        return jdbi.withHandle(h -> LoginThrottleStore.counts(h, keys.all(), since));
    }

    /** Counts a failure under all three keys; a count past the memory window starts over at one. */
    void failure(Keys keys) {
        long now = clock.millis();
        jdbi.useTransaction(h -> LoginThrottleStore.addFailure(h, keys.all(), now, now - windowMillis));
    }

    /** Forgets the pair's failures, on the pair and on the account's and the address's counts. */
    void success(Keys keys) {
        long since = clock.millis() - windowMillis;
        jdbi.useTransaction(
                h -> LoginThrottleStore.forget(h, keys.pair(), List.of(keys.account(), keys.address()), since));
    }
}
