package io.yundoc.server.auth;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.yundoc.protocol.HttpDates;
import io.yundoc.protocol.Wps2Verifier;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Metrics;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.core.ServerClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Glue between HTTP and the WPS-2 verifier: reads the signed headers as sent, looks up the app's keys (both during a
 * key rotation), keeps the replay cache and counts failures by reason.
 *
 * <p>Replay cache (api.md §3.4): only a request that passed every step is recorded, so a failed or truncated upload
 * can be retried with the same headers. A key already recorded is refused early (before an upload body is read);
 * the atomic record happens once the body verified, so of two concurrent identical writes exactly one is accepted.
 *
 * <p>Neither method nor path is signed. A request with a body is keyed on both (its Content-Md5 ties the signature to
 * that body), but a request without one is keyed on the app and the signed headers alone ({@link #emptyBodyKey}):
 * its {@code Authorization} + {@code Date} are accepted once as a write, whatever the route. A signed GET or HEAD
 * records that key too without being refused by it, so repeating the read stays allowed (as in KDocs) while its
 * captured headers can no longer be replayed as, say, {@code DELETE .../destroy}.
 */
public final class Wps2Authenticator {
    private static final long MARGIN_MILLIS = 1000; // Date has second precision
    private final Wps2Verifier verifier;
    private final AppStore apps;
    private final ServerClock clock;
    private final Metrics metrics;
    private final ReplayCache replay;
    private final Duration window;
    private final String pathPrefix;

    private static final HeaderName CONTENT_MD5 = HeaderNames.create("Content-Md5");

    public Wps2Authenticator(
            AppStore apps, ServerClock clock, Metrics metrics, ReplayCache replay, Duration window, String pathPrefix) {
        this.verifier = new Wps2Verifier(window);
        this.apps = apps;
        this.clock = clock;
        this.metrics = metrics;
        this.replay = replay;
        this.window = window;
        this.pathPrefix = pathPrefix;
    }

    /** A request as signed: the headers and target as received, nothing looked up yet. */
    public record Signed(Wps2Verifier.SignedRequest request, String method, String decodedPath) {}

    /** A request whose headers verified; recorded in the replay cache once its body verified too. */
    public static final class Verified {
        /** What was signed, as received. */
        private final Wps2Verifier.SignedRequest signed;

        private final String replayKey;
        /** The key should the body turn out empty after all (chunked with no bytes): see {@link #emptyBodyKey}. */
        private final String emptyBodyKey;

        private final long replayUntilMillis;
        private volatile boolean recorded;

        Verified(Wps2Verifier.SignedRequest signed, String replayKey, String emptyBodyKey, long replayUntilMillis) {
            this.signed = signed;
            this.replayKey = replayKey;
            this.emptyBodyKey = emptyBodyKey;
            this.replayUntilMillis = replayUntilMillis;
        }

        public String contentMd5() {
            return signed.contentMd5();
        }

        /** The replay-cache key of a write with a body, or of one without (then {@link #emptyBodyKey}); null for GET/HEAD or with the cache off. */
        public String replayKey() {
            return replayKey;
        }
    }

    /** The signed parts of {@code req} as received (step 1's input). */
    public Signed signed(ServerRequest req, boolean bodyEmpty) {
        String method = req.prologue().method().text();
        String rawQuery = req.query().rawValue();
        String target =
                req.prologue().uriPath().rawPath() + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        return new Signed(
                new Wps2Verifier.SignedRequest(
                        method,
                        target,
                        header(req, HeaderNames.AUTHORIZATION),
                        header(req, HeaderNames.DATE),
                        header(req, CONTENT_MD5),
                        header(req, HeaderNames.CONTENT_TYPE),
                        bodyEmpty,
                        pathPrefix),
                method,
                req.prologue().uriPath().path());
    }

    /**
     * Steps 1–5 (and 7 for an empty body) against the app row, read through {@code reads}: the row, or the
     * documented refusal (counted by reason once it is final).
     */
    public ReadCache.Verdict<AppRecord> check(ReadCache.Reads reads, Signed request) {
        AppRecord[] found = new AppRecord[1];
        long now = clock.epochSeconds();
        Wps2Verifier.KeyLookup lookup = appId -> {
            Optional<AppRecord> a = apps.find(reads, appId);
            a.ifPresent(x -> found[0] = x);
            return a.map(x -> new Wps2Verifier.AppKeys(x.validKeys(now), x.disabled()));
        };
        Wps2Verifier.Result r = verifier.verifyHeaders(request.request(), lookup, clock.instant());
        if (!r.ok()) {
            Wps2Verifier.Failure failure = r.failure();
            return ReadCache.Verdict.refuse(
                    new ApiException(failure.code(), failure.hint()),
                    () -> metrics.wps2Failure(failure.reason().label()));
        }
        return ReadCache.Verdict.accept(found[0]);
    }

    /**
     * The early replay check of a request whose headers verified for {@code app}; a request without body is complete
     * here and is recorded in the replay cache at once.
     */
    public Verified admit(Signed request, AppRecord app) {
        Wps2Verifier.SignedRequest signed = request.request();
        if (replay == null) {
            return new Verified(signed, null, null, 0);
        }
        boolean bodyEmpty = signed.bodyEmpty();
        String emptyBodyKey = emptyBodyKey(app.appId(), signed.authorization(), signed.date(), signed.contentMd5());
        if ("GET".equals(request.method()) || "HEAD".equals(request.method())) {
            if (bodyEmpty) {
                replay.markRead(
                        emptyBodyKey, () -> rememberUntil(signed.date())); // never refused: reads stay replayable
            }
            return new Verified(signed, null, null, 0);
        }
        long until = rememberUntil(signed.date());
        String replayKey = bodyEmpty
                ? emptyBodyKey
                : replayKey(
                        app.appId(),
                        request.method(),
                        request.decodedPath(),
                        signed.authorization(),
                        signed.date(),
                        signed.contentMd5());
        if (replay.seen(replayKey)) {
            throw replayed();
        }
        Verified v = new Verified(signed, replayKey, emptyBodyKey, until);
        if (bodyEmpty) {
            record(v, replayKey);
        }
        return v;
    }

    /** A Date up to one window in the future stays valid for a window after it: its key is remembered that long. */
    private long rememberUntil(String date) {
        long now = clock.millis();
        long sentAt = HttpDates.parse(date.strip()).map(Instant::toEpochMilli).orElse(now);
        return Math.max(now, sentAt) + window.toMillis() + MARGIN_MILLIS;
    }

    /**
     * The cache key. Only the parts that select the operation and the signature count, normalised so that a replay
     * cannot dodge the cache by re-spelling them: the decoded path (not the unsigned, ignored query), the
     * signature hex and {@code Content-Md5} in lower case, the {@code WPS-2} prefix in any case.
     */
    static String replayKey(String appId, String method, String decodedPath, String auth, String date, String md5) {
        String a = auth.strip();
        String sig = a.substring(a.lastIndexOf(':') + 1).toLowerCase(Locale.ROOT);
        return appId
                + '\n'
                + method
                + '\n'
                + decodedPath
                + '\n'
                + sig
                + '\n'
                + date.strip()
                + '\n'
                + (md5 == null ? "" : md5.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * The key of a request without body: the app and the signed headers, not the method or the path (unsigned, and
     * with {@code Content-Md5 = md5("")} bound by nothing), normalised like {@link #replayKey}. The {@code *} where a
     * method would be keeps it apart from every {@link #replayKey}.
     */
    static String emptyBodyKey(String appId, String auth, String date, String md5) {
        return replayKey(appId, "*", "", auth, date, md5);
    }

    /**
     * Step 6, once the body has been received: its md5 against {@code Content-Md5}. A body that turned out to have
     * no bytes (e.g. chunked and empty) is checked by step 7's rules instead. Then the request is recorded.
     *
     * @param receivedBytes the number of body bytes received, or -1 when unknown (then treated as non-empty)
     */
    public void verifyBody(Verified v, String receivedMd5, long receivedBytes) {
        boolean ok;
        if (receivedBytes == 0) {
            ok = false;
            for (String candidate : Wps2Verifier.emptyBodyCandidates(v.signed.rawTarget(), pathPrefix)) {
                ok |= Wps2Verifier.bodyMatches(v.contentMd5(), candidate);
            }
        } else {
            ok = Wps2Verifier.bodyMatches(v.contentMd5(), receivedMd5);
        }
        if (!ok) {
            throw refused(Wps2Verifier.Reason.CONTENT_MD5_MISMATCH);
        }
        record(v, receivedBytes == 0 ? v.emptyBodyKey : v.replayKey);
    }

    private void record(Verified v, String key) {
        if (key == null || v.recorded) {
            return;
        }
        if (!replay.firstSeen(key, v.replayUntilMillis)) {
            throw replayed();
        }
        v.recorded = true;
    }

    private ApiException replayed() {
        return refused(Wps2Verifier.Reason.REPLAYED);
    }

    /** Counts the refusal by reason and answers its documented code and hint. */
    private ApiException refused(Wps2Verifier.Reason reason) {
        metrics.wps2Failure(reason.label());
        return new ApiException(reason.code(), reason.hint());
    }

    private static String header(ServerRequest req, HeaderName name) {
        return req.headers().first(name).orElse(null);
    }
}
