package io.yundoc.server.oauth;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerResponse;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.Grant;
import io.yundoc.server.auth.GrantService;
import io.yundoc.server.auth.PasswordHasher;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.web.FormBody;
import io.yundoc.server.web.PageText;
import io.yundoc.server.web.Pages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The browser side of OAuth (api.md §3.1): {@code /h5/auth} with its login and consent forms, and the authorized-apps
 * page {@code /account/apps}. Every failure before a redirect target is known to be registered is an HTML error page;
 * forms carry CSRF tokens and are re-validated on post; pages refuse framing.
 *
 * <p>The pages are the templates {@code src/main/jte/auth/*.jte}, worded by {@code i18n/pages_*.properties}.
 *
 * <p>Form actions and redirects are relative, so the pages work unchanged behind a path-prefixing proxy.
 */
public final class AuthPages implements ApiRoutes {
    private static final String LOGIN_PURPOSE = "login";
    private static final String CONSENT_PURPOSE = "consent";
    private static final String ACCOUNT_PURPOSE = "account";
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'none'";
    private final OAuthService oauth;
    private final SessionService sessions;
    private final LoginThrottle throttle;
    private final Csrf csrf;
    private final GrantService grants;
    private final PasswordHasher hasher;
    private final IdGenerator ids;
    private final boolean dev;
    private final ZoneId zone;
    private volatile String dummyHash;

    /** Where a sign-in may continue to, and the redirect from the login form's action there. */
    private static final Map<String, String> NEXT_PAGES = Map.of("drive", "../../drive");

    public AuthPages(
            OAuthService oauth,
            SessionService sessions,
            LoginThrottle throttle,
            Csrf csrf,
            GrantService grants,
            PasswordHasher hasher,
            IdGenerator ids,
            boolean dev,
            ZoneId zone) {
        this.oauth = oauth;
        this.sessions = sessions;
        this.throttle = throttle;
        this.csrf = csrf;
        this.grants = grants;
        this.hasher = hasher;
        this.ids = ids;
        this.dev = dev;
        this.zone = zone;
    }

    @Override
    public void routes(Routes r) {
        r.open(Method.GET, "/h5/auth", this::authorize);
        r.open(Method.POST, "/h5/auth/login", this::login);
        r.open(Method.POST, "/h5/auth/consent", this::consent);
        r.open(Method.GET, "/account/apps", this::accountApps);
        r.open(Method.POST, "/account/apps/revoke", this::revoke);
        r.open(Method.POST, "/account/logout", this::logout);
    }

    // ---- /h5/auth ----------------------------------------------------------------------------------------------

    private void authorize(Call c) {
        PageText t = PageText.byAcceptLanguage(c.request());
        AuthRequest ar;
        boolean forceLogin;
        try {
            ar = oauth.validate(name -> c.query(name).orElse(null));
            forceLogin = OAuthService.bool(name -> c.query(name).orElse(null), "force_login", false);
        } catch (ApiException e) {
            errorPage(c, t, e);
            return;
        }
        AppRecord app = ar.app();
        if (dev && app.autoConsentUser() != null) {
            // design.md "Auto-consent": tests run the redirect flow without a browser
            Optional<UserRecord> u = oauth.user(app.autoConsentUser());
            if (u.isEmpty() || u.get().disabled()) {
                errorPage(
                        c,
                        t,
                        new ApiException(
                                ErrorCode.USER_ACCOUNT_RESTRICTED, "auto-consent user is missing or disabled"));
                return;
            }
            redirect(
                    c,
                    OAuthService.redirect(
                            ar.redirectUri(),
                            codeParams(oauth.issueCode(ar, u.get().userId()), ar.state())));
            return;
        }
        Optional<Session> session = forceLogin ? Optional.empty() : session(c);
        if (session.isEmpty()) {
            loginPage(c, t, 200, "auth/login", ar, null);
            return;
        }
        Optional<UserRecord> user = oauth.user(session.get().userId());
        if (user.isEmpty() || user.get().disabled()) {
            errorPage(c, t, new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled"));
            return;
        }
        if (grants.granted(app.appId(), user.get().userId()).containsAll(ar.scopes())) {
            // everything asked for was approved before: no second consent (api.md §3.1)
            finish(c, ar, oauth.issueCode(ar, user.get().userId()));
            return;
        }
        consentPage(c, t, ar, user.get(), session.get());
    }

    private void loginPage(Call c, PageText t, int status, String action, AuthRequest ar, String error) {
        loginPage(c, t, status, action, ar, error, null);
    }

    private void loginPage(
            Call c, PageText t, int status, String action, AuthRequest ar, String error, String username) {
        loginPage(c, t, status, action, ar, error, username, nextOf(c));
    }

    /**
     * The sign-in page for another page of this site ({@code /drive}): after signing in the browser goes to
     * {@code next} (only the pages named in {@link #NEXT_PAGES}) instead of the authorized-apps page.
     */
    public void signInFor(Call c, String action, String next) {
        loginPage(
                c,
                PageText.byAcceptLanguage(c.request()),
                200,
                action,
                null,
                null,
                null,
                nextPage(next) != null ? next : null);
    }

    /** The redirect for a {@code next} value, or null for anything not in {@link #NEXT_PAGES} (null included). */
    private static String nextPage(String next) {
        return next == null ? null : NEXT_PAGES.get(next);
    }

    private static String nextOf(Call c) {
        if (!"POST".equals(c.request().prologue().method().text())) {
            return null;
        }
        try {
            String n = FormBody.of(c).get("next");
            return nextPage(n) != null ? n : null;
        } catch (ApiException e) {
            return null;
        }
    }

    private void loginPage(
            Call c, PageText t, int status, String action, AuthRequest ar, String error, String username, String next) {
        String loginCookie = cookie(c, loginCookieName(c))
                .filter(v -> v.matches("[A-Za-z0-9_-]{43}"))
                .orElse(null);
        if (loginCookie == null) {
            loginCookie = ids.internal();
            c.response().headers().addCookie(cookieOf(c, loginCookieName(c), loginCookie, null));
        }
        Map<String, String> hidden = new LinkedHashMap<>();
        hidden.put("csrf", csrf.token(LOGIN_PURPOSE, loginCookie));
        if (next != null) {
            hidden.put("next", next);
        }
        if (ar != null) {
            hidden.putAll(ar.carried());
        }
        var view = new AuthViews.Login(top(ar), ar == null ? null : ar.app().name(), error, action, hidden, username);
        sendPage(c, status, Pages.render("auth/login.jte", Map.of("t", t, "v", view)));
    }

    private void consentPage(Call c, PageText t, AuthRequest ar, UserRecord user, Session session) {
        Map<String, String> hidden = new LinkedHashMap<>();
        hidden.put("csrf", csrf.token(CONSENT_PURPOSE, session.hash()));
        hidden.putAll(ar.carried());
        var view = new AuthViews.Consent(
                top(ar),
                ar.app().name(),
                List.copyOf(ar.scopes()),
                user.nickname(),
                user.name(),
                OAuthService.redirect("auth", withForceLogin(ar.carried())),
                ar.redirectUri(),
                hidden);
        sendPage(c, 200, Pages.render("auth/consent.jte", Map.of("t", t, "v", view)));
    }

    private static Map<String, String> withForceLogin(Map<String, String> carried) {
        Map<String, String> m = new LinkedHashMap<>(carried);
        m.put("force_login", "true");
        return m;
    }

    /** The "yundoc account" line above the heading, unless the app asked for a page without it ({@code header=false}). */
    private static boolean top(AuthRequest ar) {
        return ar == null || ar.header();
    }

    // ---- POST /h5/auth/login -----------------------------------------------------------------------------------

    private void login(Call c) {
        PageText t = PageText.byAcceptLanguage(c.request());
        FormBody form;
        try {
            form = FormBody.of(c);
        } catch (ApiException e) {
            errorPage(c, t, e);
            return;
        }
        String loginCookie = cookie(c, loginCookieName(c)).orElse(null);
        if (!csrf.valid(LOGIN_PURPOSE, loginCookie, form.get("csrf"))) {
            errorPage(
                    c,
                    t,
                    ApiException.denied(
                            "the form expired or was not sent by this site (CSRF token missing or invalid); "
                                    + "go back and reload the page"));
            return;
        }
        AuthRequest ar = null;
        if (form.has("app_id")) {
            try {
                ar = oauth.validate(form::get);
            } catch (ApiException e) {
                errorPage(c, t, e);
                return;
            }
        }
        String name = form.getOrDefault("username", "").strip();
        String password = form.getOrDefault("password", "");
        if (name.isEmpty() || password.isEmpty() || name.length() > 64 || password.length() > 256) {
            loginPage(c, t, 400, "login", ar, t.get("login.missing"));
            return;
        }
        LoginThrottle.Attempt attempt;
        try {
            // sleeps the delay this name and address have earned before the password is looked at
            attempt = throttle.admit(name, clientAddress(c));
        } catch (LoginThrottle.Refused r) {
            long s = r.retryAfterSeconds();
            c.response().header("Retry-After", Long.toString(s));
            loginPage(c, t, 429, "login", ar, t.format("login.busy", Long.toString(s), s), name);
            return;
        }
        Optional<UserRecord> user;
        try (attempt) {
            user = oauth.userByName(name);
            // an unknown name costs the same bcrypt work as a known one, so timing does not tell them apart
            String hash = user.flatMap(u -> oauth.passwordHash(u.userId())).orElseGet(this::dummyHash);
            boolean ok = hasher.matches(password, hash) && user.isPresent();
            if (!ok) {
                attempt.failed();
                loginPage(c, t, 401, "login", ar, t.get("login.wrong"), name);
                return;
            }
            attempt.succeeded();
        }
        if (user.get().disabled()) {
            // revealed only after the right password (api.md §3.1)
            errorPage(c, t, new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled"));
            return;
        }
        // a new session id on every login: a planted or stolen pre-login cookie is worth nothing afterwards
        cookie(c, sessionCookieName(c)).ifPresent(sessions::delete);
        String sid = sessions.create(user.get().userId());
        c.response()
                .headers()
                .addCookie(cookieOf(c, sessionCookieName(c), sid, Duration.ofSeconds(sessions.ttlSeconds())));
        c.response().headers().addCookie(cookieOf(c, loginCookieName(c), "", Duration.ZERO));
        String next = nextPage(form.get("next"));
        seeOther(
                c,
                ar != null
                        ? OAuthService.redirect("../auth", ar.carried())
                        : next != null ? next : "../../account/apps");
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            h = hasher.hash(ids.internal());
            dummyHash = h;
        }
        return h;
    }

    // ---- POST /h5/auth/consent ---------------------------------------------------------------------------------

    private void consent(Call c) {
        PageText t = PageText.byAcceptLanguage(c.request());
        try {
            FormBody form = FormBody.of(c);
            String raw = cookie(c, sessionCookieName(c)).orElse(null);
            Session session = sessions.find(raw)
                    .orElseThrow(() -> new ApiException(
                            ErrorCode.USER_UNAUTHORIZED,
                            "not signed in or the session ended; start again from the app"));
            if (!csrf.valid(CONSENT_PURPOSE, session.hash(), form.get("csrf"))) {
                throw ApiException.denied(
                        "the form expired or was not sent by this site (CSRF token missing or invalid)");
            }
            // the posted request is checked again in full: hidden fields are client input like any other
            AuthRequest ar = oauth.validate(form::get);
            UserRecord user = oauth.user(session.userId())
                    .filter(u -> !u.disabled())
                    .orElseThrow(() -> new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled"));
            String decision = form.get("decision");
            if ("allow".equals(decision)) {
                finish(c, ar, oauth.issueCode(ar, user.userId()));
            } else if ("deny".equals(decision)) {
                Map<String, String> p = new LinkedHashMap<>();
                p.put("error", "access_denied");
                p.put("state", ar.state());
                endSessionIf(c, ar.logoutAfterAuth());
                redirect(c, OAuthService.redirect(ar.redirectUri(), p));
            } else {
                throw ApiException.invalid("decision must be allow or deny");
            }
        } catch (ApiException e) {
            errorPage(c, t, e);
        }
    }

    private void finish(Call c, AuthRequest ar, String code) {
        endSessionIf(c, ar.logoutAfterAuth());
        redirect(c, OAuthService.redirect(ar.redirectUri(), codeParams(code, ar.state())));
    }

    private void endSessionIf(Call c, boolean logout) {
        if (logout) {
            cookie(c, sessionCookieName(c)).ifPresent(sessions::delete);
            c.response().headers().addCookie(cookieOf(c, sessionCookieName(c), "", Duration.ZERO));
        }
    }

    private static Map<String, String> codeParams(String code, String state) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("code", code);
        p.put("state", state);
        return p;
    }

    // ---- /account/apps -----------------------------------------------------------------------------------------

    private void accountApps(Call c) {
        PageText t = PageText.byAcceptLanguage(c.request());
        Optional<Session> session = session(c);
        Optional<UserRecord> user = session.flatMap(s -> oauth.user(s.userId()));
        if (session.isEmpty() || user.isEmpty()) {
            loginPage(c, t, 200, "../h5/auth/login", null, null);
            return;
        }
        if (user.get().disabled()) {
            errorPage(c, t, new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled"));
            return;
        }
        String token = csrf.token(ACCOUNT_PURPOSE, session.get().hash());
        DateTimeFormatter fmt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
        List<AuthViews.Grant> shown = grants.list(user.get().userId(), null).stream()
                .map(g -> {
                    Map<String, String> revokeForm = new LinkedHashMap<>();
                    revokeForm.put("csrf", token);
                    revokeForm.put("grant_id", g.grantId());
                    return new AuthViews.Grant(
                            g.appName() == null ? g.appId() : g.appName(),
                            g.appId(),
                            fmt.format(Instant.ofEpochSecond(g.grantedAt()).atZone(zone)),
                            zone.getId(),
                            List.copyOf(g.scopes()),
                            revokeForm);
                })
                .toList();
        var view = new AuthViews.Apps(user.get().nickname(), user.get().name(), shown, Map.of("csrf", token));
        sendPage(c, 200, Pages.render("auth/apps.jte", Map.of("t", t, "v", view)));
    }

    private void revoke(Call c) {
        PageText t = PageText.byAcceptLanguage(c.request());
        try {
            FormBody form = FormBody.of(c);
            Session session = sessions.find(cookie(c, sessionCookieName(c)).orElse(null))
                    .orElseThrow(
                            () -> new ApiException(ErrorCode.USER_UNAUTHORIZED, "not signed in or the session ended"));
            if (!csrf.valid(ACCOUNT_PURPOSE, session.hash(), form.get("csrf"))) {
                throw ApiException.denied(
                        "the form expired or was not sent by this site (CSRF token missing or invalid)");
            }
            String grantId = form.getOrDefault("grant_id", "");
            // someone else's grant looks exactly like a missing one
            Grant g = grants.find(grantId)
                    .filter(x -> x.userId().equals(session.userId()))
                    .orElseThrow(() -> ApiException.invalid("no such authorization"));
            grants.revoke(g.grantId());
            seeOther(c, "../apps");
        } catch (ApiException e) {
            errorPage(c, t, e);
        }
    }

    private void logout(Call c) {
        PageText t = PageText.byAcceptLanguage(c.request());
        try {
            FormBody form = FormBody.of(c);
            String raw = cookie(c, sessionCookieName(c)).orElse(null);
            Optional<Session> session = sessions.find(raw);
            if (session.isPresent()) {
                if (!csrf.valid(ACCOUNT_PURPOSE, session.get().hash(), form.get("csrf"))) {
                    throw ApiException.denied(
                            "the form expired or was not sent by this site (CSRF token missing or invalid)");
                }
                sessions.delete(raw);
            }
            c.response().headers().addCookie(cookieOf(c, sessionCookieName(c), "", Duration.ZERO));
            seeOther(c, "apps");
        } catch (ApiException e) {
            errorPage(c, t, e);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Optional<Session> session(Call c) {
        return sessions.find(cookie(c, sessionCookieName(c)).orElse(null));
    }

    /** {@code __Host-} names when served over https: the browser then refuses them from subdomains or plain http. */
    public static String sessionCookieName(Call c) {
        return secure(c) ? "__Host-yd_session" : "yd_session";
    }

    private static String loginCookieName(Call c) {
        return secure(c) ? "__Host-yd_login" : "yd_login";
    }

    private static boolean secure(Call c) {
        return c.baseUrl().startsWith("https:");
    }

    private static Optional<String> cookie(Call c, String name) {
        return c.request().headers().cookies().first(name).asOptional();
    }

    private static SetCookie cookieOf(Call c, String name, String value, Duration maxAge) {
        SetCookie.Builder b = SetCookie.builder(name, value)
                .path("/")
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.LAX)
                .secure(secure(c));
        if (maxAge != null) {
            b.maxAge(maxAge);
        }
        return b.build();
    }

    /** Delayed per client address: behind a trusted proxy (--trusted-proxies), the address it forwards. */
    private static String clientAddress(Call c) {
        return c.clientAddress();
    }

    private static void errorPage(Call c, PageText t, ApiException e) {
        ErrorCode code = e.code();
        if (e.headers().containsKey("Retry-After")) {
            c.response().header("Retry-After", e.headers().get("Retry-After"));
        }
        var view = new AuthViews.Failure(
                Integer.toString(code.code()),
                code.wireName(),
                e.hint(),
                t.getOr("error.explain." + code.name(), "error.explain.other"));
        sendPage(c, code.httpStatus(), Pages.render("auth/error.jte", Map.of("t", t, "v", view)));
    }

    private static void sendPage(Call c, int status, String html) {
        ServerResponse res = c.response();
        securityHeaders(res);
        res.status(status);
        res.header("Content-Type", "text/html; charset=utf-8");
        res.send(html.getBytes(StandardCharsets.UTF_8));
    }

    private static void securityHeaders(ServerResponse res) {
        res.header("Cache-Control", "no-store");
        res.header("Pragma", "no-cache");
        res.header("X-Frame-Options", "DENY");
        res.header("Content-Security-Policy", CSP);
        res.header("Referrer-Policy", "no-referrer");
        res.header("X-Content-Type-Options", "nosniff");
        res.header("X-Robots-Tag", "noindex, nofollow");
    }

    /** 302 to the app (api.md §3.1: Approve and Deny are 302). */
    private static void redirect(Call c, String location) {
        ServerResponse res = c.response();
        securityHeaders(res);
        res.status(302);
        res.header(HeaderNames.LOCATION, location);
        res.send();
    }

    /** 303 after a form post, to a page of this site. */
    private static void seeOther(Call c, String location) {
        ServerResponse res = c.response();
        securityHeaders(res);
        res.status(303);
        res.header(HeaderNames.LOCATION, location);
        res.send();
    }
}
