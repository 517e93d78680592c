package io.yundoc.server.oauth;

import io.yundoc.protocol.Hex;
import io.yundoc.server.core.ServerClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Failed-login throttling per account name and per client address (design.md {@code --login-max-failures},
 * {@code --login-lockout}). From the third failure in a row the next attempt must wait 1, 2, 4, ... seconds (at most
 * 60); after {@code maxFailures} failures the key is locked for the lock-out window. Attempts refused by the throttle
 * are not checked and do not count. Names are throttled whether or not such an account exists, and stored hashed,
 * so the throttle reveals nothing about accounts. State lives in the database: every instance counts together.
 */
public final class LoginThrottle {
    private static final int FREE_FAILURES = 2;
    private static final long MAX_DELAY = 60;

    private final Jdbi jdbi;
    private final ServerClock clock;
    private final int maxFailures;
    private final long lockoutSeconds;

    public LoginThrottle(Jdbi jdbi, ServerClock clock, int maxFailures, Duration lockout) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.lockoutSeconds = lockout.toSeconds();
    }

    /** Why an attempt is refused before the password is looked at, and for how long. */
    public record Refusal(boolean locked, long retryAfterSeconds) {
    }

    public static String accountKey(String name) {
        return "u:" + Hex.sha256(name.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }

    public static String addressKey(String address) {
        return "a:" + Hex.sha256(address.getBytes(StandardCharsets.UTF_8));
    }

    /** The refusal with the longest wait among the keys, if any key is locked or still in its delay. */
    public Optional<Refusal> check(List<String> keys) {
        long now = clock.epochSeconds();
        long nowMs = clock.millis();
        Refusal worst = null;
        for (String k : keys) {
            Optional<long[]> row = jdbi.withHandle(h -> h.createQuery(
                            "SELECT failures, last_failure_ms, locked_until FROM login_throttle WHERE throttle_key = :k")
                    .bind("k", k).map((rs, ctx) -> new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)}).findOne());
            if (row.isEmpty()) {
                continue;
            }
            long[] r = row.get();
            Refusal refusal = null;
            if (r[2] > now) {
                refusal = new Refusal(true, r[2] - now);
            } else if (r[0] > FREE_FAILURES) {
                long waitMs = r[1] + delay((int) r[0]) * 1000 - nowMs;
                if (waitMs > 0) {
                    refusal = new Refusal(false, (waitMs + 999) / 1000);
                }
            }
            if (refusal != null && (worst == null || refusal.locked() && !worst.locked()
                    || refusal.locked() == worst.locked() && refusal.retryAfterSeconds() > worst.retryAfterSeconds())) {
                worst = refusal;
            }
        }
        return Optional.ofNullable(worst);
    }

    static long delay(int failures) {
        return Math.min(MAX_DELAY, 1L << Math.min(30, failures - FREE_FAILURES - 1));
    }

    /** Counts a failure against every key; a key reaching the limit is locked and its count starts over. */
    public void failure(List<String> keys) {
        long now = clock.epochSeconds();
        long nowMs = clock.millis();
        jdbi.useTransaction(h -> {
            // rows idle for a day and not locked carry no information any more
            h.createUpdate("DELETE FROM login_throttle WHERE last_failure_ms < :old AND locked_until <= :now")
                    .bind("old", nowMs - 86_400_000L).bind("now", now).execute();
            for (String k : keys) {
                // a lock-out that has ended starts a fresh count
                h.createUpdate("UPDATE login_throttle SET failures = 0, locked_until = 0 WHERE throttle_key = :k "
                        + "AND locked_until > 0 AND locked_until <= :now").bind("k", k).bind("now", now).execute();
                h.createUpdate("""
                                INSERT INTO login_throttle (throttle_key, failures, last_failure_ms, locked_until)
                                VALUES (:k, 1, :ms, 0)
                                ON CONFLICT (throttle_key) DO UPDATE SET failures = login_throttle.failures + 1,
                                                                        last_failure_ms = excluded.last_failure_ms""")
                        .bind("k", k).bind("ms", nowMs).execute();
                h.createUpdate("UPDATE login_throttle SET locked_until = :until, failures = 0 "
                                + "WHERE throttle_key = :k AND failures >= :max")
                        .bind("k", k).bind("until", now + lockoutSeconds).bind("max", maxFailures).execute();
            }
        });
    }

    /** A successful login clears the account's count (not the address's: one good account must not reset an attacker). */
    public void success(String accountKey) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM login_throttle WHERE throttle_key = :k").bind("k", accountKey).execute());
    }
}
