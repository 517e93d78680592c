package io.yundoc.server.auth;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Wps2Verifier;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Metrics;
import io.yundoc.server.core.ServerClock;
import java.time.Duration;
import java.util.Optional;

/**
 * Glue between HTTP and the WPS-2 verifier: reads the signed headers as sent, looks up the app's keys, keeps the
 * replay cache and counts failures by reason.
 */
public final class Wps2Authenticator {
    private final Wps2Verifier verifier;
    private final AppStore apps;
    private final ServerClock clock;
    private final Metrics metrics;
    private final ReplayCache replay;
    private final Duration window;
    private final String pathPrefix;

    public Wps2Authenticator(AppStore apps, ServerClock clock, Metrics metrics, ReplayCache replay, Duration window,
                             String pathPrefix) {
        this.verifier = new Wps2Verifier(window);
        this.apps = apps;
        this.clock = clock;
        this.metrics = metrics;
        this.replay = replay;
        this.window = window;
        this.pathPrefix = pathPrefix;
    }

    /** A request whose headers verified. {@code replayKey} is non-null when the replay cache recorded it. */
    public record Verified(AppRecord app, String contentMd5, String replayKey) {
    }

    /** Steps 1–5 (and 7 for an empty body) plus the replay check; throws the documented error on failure. */
    public Verified verifyHeaders(ServerRequest req, boolean bodyEmpty) {
        String method = req.prologue().method().text();
        String rawQuery = req.query().rawValue();
        String target = req.path().rawPath() + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
        String auth = header(req, "Authorization");
        String date = header(req, "Date");
        String md5 = header(req, "Content-Md5");
        String ct = header(req, "Content-Type");
        AppRecord[] found = new AppRecord[1];
        long now = clock.epochSeconds();
        Wps2Verifier.Result r = verifier.verifyHeaders(
                new Wps2Verifier.SignedRequest(method, target, auth, date, md5, ct, bodyEmpty, pathPrefix),
                appId -> {
                    Optional<AppRecord> a = apps.find(appId);
                    a.ifPresent(x -> found[0] = x);
                    return a.map(x -> new Wps2Verifier.AppKeys(x.validKeys(now), x.disabled()));
                }, clock.instant());
        if (!r.ok()) {
            metrics.wps2Failure(r.failure().reason());
            throw new ApiException(r.failure().code(), r.failure().hint());
        }
        String replayKey = null;
        if (replay != null && !"GET".equals(method) && !"HEAD".equals(method)) {
            replayKey = r.appId() + '\n' + method + '\n' + target + '\n' + auth.strip() + '\n' + date.strip() + '\n'
                    + (md5 == null ? "" : md5.strip());
            if (!replay.firstSeen(replayKey, clock.millis() + window.toMillis())) {
                metrics.wps2Failure("replayed");
                throw new ApiException(ErrorCode.INVALID_SIGNATURE, "replayed request");
            }
        }
        return new Verified(found[0], md5, replayKey);
    }

    /** Step 6, once the body has been received: its md5 against {@code Content-Md5}. */
    public void verifyBody(Verified v, String receivedMd5) {
        if (!Wps2Verifier.bodyMatches(v.contentMd5(), receivedMd5)) {
            if (v.replayKey() != null) {
                replay.forget(v.replayKey());
            }
            metrics.wps2Failure("content_md5_mismatch");
            throw new ApiException(ErrorCode.INVALID_SIGNATURE, Wps2Verifier.HINT_MD5);
        }
    }

    private static String header(ServerRequest req, String name) {
        return req.headers().first(HeaderNames.create(name)).orElse(null);
    }
}
