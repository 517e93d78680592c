package io.yundoc.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.TokenGrant;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The OAuth 2 authorization-code flow of api.md §3.1: the authorize URL to send the user to, the code exchange and
 * the refresh, with the tokens kept in the client's {@link TokenStore}; and the whole flow for a program on the user's
 * machine, {@link #loginWithBrowser(BrowserLogin)}. Personal and user calls refresh automatically
 * when a refresh token is stored: ahead of time when the stored expiry is less than a minute away, and once when the
 * server answers 20007 (expired or revoked token); concurrent callers share one refresh.
 */
public final class OAuth {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Transport transport;
    private final String base;
    private final String appId;
    private final String appKey;
    private final TokenStore store;
    private final Clock clock;
    private final Object refreshLock = new Object();

    OAuth(Transport transport, String base, String appId, String appKey, TokenStore store, Clock clock) {
        this.transport = transport;
        this.base = base;
        this.appId = appId;
        this.appKey = appKey;
        this.store = store;
        this.clock = clock;
    }

    /** The store the client reads tokens from and saves refreshed ones to. */
    public TokenStore tokenStore() {
        return store;
    }

    /**
     * The URL of the authorization page ({@code GET /h5/auth}) for the user's browser.
     *
     * @param redirectUri a URI registered for the app (any port for a loopback URI)
     * @param scopes      the scopes to ask for
     * @param state       an unguessable value to check on the redirect (CSRF), or null
     */
    public URI authorizeUrl(String redirectUri, Collection<Scope> scopes, String state) {
        requireApp();
        Objects.requireNonNull(redirectUri, "redirectUri");
        if (scopes == null || scopes.isEmpty()) {
            throw new IllegalArgumentException("at least one scope is required");
        }
        String scope = scopes.stream().map(Scope::wireName).collect(Collectors.joining(","));
        return URI.create(base + "/h5/auth?app_id=" + ApiRequest.enc(appId) + "&scope=" + ApiRequest.enc(scope)
                + "&redirect_uri=" + ApiRequest.enc(redirectUri) + "&response_type=code"
                + (state == null ? "" : "&state=" + ApiRequest.enc(state)));
    }

    /**
     * Exchanges an authorization code for tokens ({@code oauth2/access_token}) and saves them.
     *
     * @param code the {@code code} from the redirect
     */
    public Tokens exchangeCode(String code) {
        return exchangeCode(code, null);
    }

    /**
     * Exchanges an authorization code for tokens and saves them, binding the exchange to the authorize request's
     * redirect URI (RFC 6749 §4.1.3).
     *
     * @param code        the {@code code} from the redirect
     * @param redirectUri the redirect URI of the authorize request, or null
     */
    public Tokens exchangeCode(String code, String redirectUri) {
        requireApp();
        ApiRequest r = new ApiRequest("GET", "/api/v1/oauth2/access_token", ApiRequest.Auth.NONE)
                .query("code", Objects.requireNonNull(code, "code"))
                .query("app_id", appId)
                .query("app_key", appKey)
                .query("redirect_uri", redirectUri);
        return saved(transport.call(r, TokenGrant.class));
    }

    /**
     * Logs the user in through their browser and saves the tokens: listens on 127.0.0.1 (RFC 8252 loopback
     * redirect), hands the authorize URL to {@link BrowserLogin.Builder#onAuthorizeUrl}, waits for the browser to come
     * back with the code (or for a pasted redirect), checks the {@code state} and exchanges the code bound to the
     * redirect URI. The app must have a loopback redirect URI registered, such as {@code http://127.0.0.1/callback}
     * (any port matches). The listener is closed before this returns.
     *
     * @throws BrowserLoginException     no code: timeout, denied, or a redirect that is not this login's
     * @throws YundocException           the exchange was refused (e.g. 20001 for a code already used)
     * @throws YundocClientException     the listener could not start, or the wait was interrupted
     */
    public Tokens loginWithBrowser(BrowserLogin login) {
        requireApp();
        Objects.requireNonNull(login, "login");
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        StringBuilder hex = new StringBuilder(32);
        for (byte b : random) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        String state = hex.toString();
        LoopbackReceiver receiver;
        try {
            receiver = LoopbackReceiver.start(login.port);
        } catch (IOException e) {
            throw new YundocClientException(
                    "cannot listen on 127.0.0.1:" + login.port + " for the redirect: " + Transport.describe(e), e);
        }
        try (receiver) {
            String redirectUri = receiver.redirectUri().toString();
            CompletableFuture<String> answer = receiver.redirect();
            if (login.pasted != null) {
                login.pasted.thenAccept(p -> answer.complete(LoopbackReceiver.pastedQuery(p, state)));
            }
            login.onAuthorizeUrl.accept(
                    new BrowserLogin.Started(authorizeUrl(redirectUri, login.scopes, state), receiver.redirectUri()));
            String query;
            try {
                query = answer.get(login.timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new BrowserLoginException(
                        BrowserLoginException.Reason.TIMEOUT,
                        "no authorization within " + login.timeout.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new YundocClientException("interrupted while waiting for the authorization redirect", e);
            } catch (ExecutionException e) {
                throw new YundocClientException(
                        "the authorization redirect was not received: " + e.getCause(), e.getCause());
            }
            Map<String, String> p = LoopbackReceiver.query(query);
            if (p.containsKey("error")) {
                throw new BrowserLoginException(
                        BrowserLoginException.Reason.DENIED, "authorization denied: " + p.get("error"));
            }
            String got = p.get("state");
            if (got == null
                    || !MessageDigest.isEqual(
                            state.getBytes(StandardCharsets.UTF_8), got.getBytes(StandardCharsets.UTF_8))) {
                throw new BrowserLoginException(
                        BrowserLoginException.Reason.STATE_MISMATCH,
                        "the redirect's state does not match this login; try again");
            }
            String code = p.get("code");
            if (code == null || code.isEmpty()) {
                throw new BrowserLoginException(BrowserLoginException.Reason.NO_CODE, "the redirect carries no code");
            }
            return exchangeCode(code, redirectUri);
        }
    }

    /** Refreshes the stored tokens now ({@code oauth2/refresh_token}); the new pair replaces the old one. */
    public Tokens refresh() {
        synchronized (refreshLock) {
            return doRefresh();
        }
    }

    private Tokens doRefresh() {
        requireApp();
        Tokens t = store.load().orElseThrow(() -> new IllegalStateException("no tokens to refresh"));
        if (t.refreshToken() == null) {
            throw new IllegalStateException("the stored tokens have no refresh token");
        }
        ObjectNode body =
                Transport.JSON.createObjectNode().put("app_key", appKey).put("refresh_token", t.refreshToken());
        ApiRequest r =
                new ApiRequest("POST", "/api/v1/oauth2/refresh_token", ApiRequest.Auth.NONE).query("app_id", appId);
        try {
            r.json(Transport.JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return saved(transport.call(r, TokenGrant.class));
    }

    /** The tokens currently stored. */
    public Optional<Tokens> tokens() {
        return store.load();
    }

    String currentAccessToken() {
        return store.load()
                .map(Tokens::accessToken)
                .orElseThrow(() -> new IllegalStateException(
                        "no access token: log in (exchangeCode) or set accessToken/tokenStore on the builder"));
    }

    /**
     * Refreshes ahead of time when the stored expiry (by the client's clock) is less than a minute away, saving the
     * round trip that a 20007 would cost. A failure here is not final: the call goes ahead with the old token, and a
     * 20007 then takes the reactive path, which reports errors.
     */
    void refreshIfExpiring() {
        Tokens t = store.load().orElse(null);
        if (t == null
                || t.expiresAt() == null
                || t.refreshToken() == null
                || appKey == null
                || clock.instant().isBefore(t.expiresAt().minusSeconds(60))) {
            return;
        }
        synchronized (refreshLock) {
            Tokens now = store.load().orElse(null);
            if (now == null || !now.accessToken().equals(t.accessToken())) {
                return; // another thread refreshed meanwhile
            }
            try {
                doRefresh();
            } catch (YundocException | YundocClientException e) {
                // fall through to the call; see above
            }
        }
    }

    boolean canRefresh() {
        return appKey != null && store.load().map(t -> t.refreshToken() != null).orElse(false);
    }

    /** Refreshes unless another thread already replaced the rejected token. */
    void refreshAfterRejection(String rejected) {
        synchronized (refreshLock) {
            String now = store.load().map(Tokens::accessToken).orElse(null);
            if (rejected.equals(now)) {
                doRefresh();
            }
        }
    }

    private Tokens saved(TokenGrant g) {
        Tokens t = new Tokens(g.accessToken(), g.refreshToken(), clock.instant().plusSeconds(g.expiresIn()), g.appId());
        store.save(t);
        return t;
    }

    private void requireApp() {
        if (appId == null || appKey == null) {
            throw new IllegalStateException("OAuth needs appId and appKey on the client builder");
        }
    }
}
