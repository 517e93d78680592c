package io.yundoc.server.oauth;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerResponse;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Scope;
import io.yundoc.server.api.ApiRouter;
import io.yundoc.server.api.Call;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.GrantService;
import io.yundoc.server.auth.PasswordHasher;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.auth.UserStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.web.Html;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The browser side of OAuth (api.md §3.1): {@code /h5/auth} with its login and consent forms, and the authorized-apps
 * page {@code /account/apps}. Every failure before a redirect target is known to be registered is an HTML error page;
 * forms carry CSRF tokens and are re-validated on post; pages refuse framing.
 *
 * <p>Form actions and redirects are relative, so the pages work unchanged behind a path-prefixing proxy.
 */
public final class AuthPages {
    private static final String LOGIN_PURPOSE = "login";
    private static final String CONSENT_PURPOSE = "consent";
    private static final String ACCOUNT_PURPOSE = "account";
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'none'";
    private static final String EXTRA_CSS = """
            <style>h1{word-break:normal;overflow-wrap:anywhere}code{overflow-wrap:anywhere}.top{font-weight:700;color:#1f6feb;margin:-8px 0 16px}label{display:block;margin:14px 0 4px;\
            font-weight:600}input[type=text],input[type=password]{width:100%;padding:10px 12px;border:1px solid #d0d7de;\
            border-radius:6px;font-size:1rem}button.btn{border:0;cursor:pointer;font-size:1rem}.btn.secondary{background:#eaeef2;\
            color:#1f2328}.btn.secondary:hover{background:#d0d7de}.btn.danger{background:#cf222e}.actions{display:flex;gap:12px;\
            flex-wrap:wrap;margin-top:20px}.actions .btn{flex:1 1 140px;text-align:center}.error{background:#ffebe9;\
            border:1px solid #ff8182;border-radius:6px;padding:10px 12px;margin:12px 0}ul.scopes li{margin:6px 0}\
            ul.scopes code{color:#656d76;font-size:.85em}.app{border-top:1px solid #d0d7de;padding:12px 0}\
            .app form{margin-top:8px}</style>""";

    private final OAuthService oauth;
    private final SessionStore sessions;
    private final LoginThrottle throttle;
    private final Csrf csrf;
    private final UserStore users;
    private final GrantService grants;
    private final PasswordHasher hasher;
    private final IdGenerator ids;
    private final boolean dev;
    private final ZoneId zone;
    private volatile String dummyHash;

    public AuthPages(OAuthService oauth, SessionStore sessions, LoginThrottle throttle, Csrf csrf, UserStore users,
                     GrantService grants, PasswordHasher hasher, IdGenerator ids, boolean dev, ZoneId zone) {
        this.oauth = oauth;
        this.sessions = sessions;
        this.throttle = throttle;
        this.csrf = csrf;
        this.users = users;
        this.grants = grants;
        this.hasher = hasher;
        this.ids = ids;
        this.dev = dev;
        this.zone = zone;
    }

    public void routes(ApiRouter r) {
        r.open(Method.GET, "/h5/auth", this::authorize);
        r.open(Method.POST, "/h5/auth/login", this::login);
        r.open(Method.POST, "/h5/auth/consent", this::consent);
        r.open(Method.GET, "/account/apps", this::accountApps);
        r.open(Method.POST, "/account/apps/revoke", this::revoke);
        r.open(Method.POST, "/account/logout", this::logout);
    }

    // ---- /h5/auth ----------------------------------------------------------------------------------------------

    private void authorize(Call c) {
        boolean zh = Html.chinese(c.request());
        AuthRequest ar;
        boolean forceLogin;
        try {
            ar = oauth.validate(name -> c.query(name).orElse(null));
            forceLogin = OAuthService.bool(name -> c.query(name).orElse(null), "force_login", false);
        } catch (ApiException e) {
            errorPage(c, zh, e);
            return;
        }
        AppRecord app = ar.app();
        if (dev && app.autoConsentUser() != null) {
            // design.md "Auto-consent": tests run the redirect flow without a browser
            Optional<UserRecord> u = users.find(app.autoConsentUser());
            if (u.isEmpty() || u.get().disabled()) {
                errorPage(c, zh, new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "auto-consent user is missing or disabled"));
                return;
            }
            redirect(c, OAuthService.redirect(ar.redirectUri(), codeParams(oauth.issueCode(ar, u.get().userId()), ar.state())));
            return;
        }
        Optional<SessionStore.Session> session = forceLogin ? Optional.empty() : session(c);
        if (session.isEmpty()) {
            loginPage(c, zh, 200, "auth/login", ar, null);
            return;
        }
        Optional<UserRecord> user = users.find(session.get().userId());
        if (user.isEmpty() || user.get().disabled()) {
            errorPage(c, zh, new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled"));
            return;
        }
        if (grants.granted(app.appId(), user.get().userId()).containsAll(ar.scopes())) {
            // everything asked for was approved before: no second consent (api.md §3.1)
            finish(c, ar, oauth.issueCode(ar, user.get().userId()));
            return;
        }
        consentPage(c, zh, ar, user.get(), session.get());
    }

    private void loginPage(Call c, boolean zh, int status, String action, AuthRequest ar, String error) {
        loginPage(c, zh, status, action, ar, error, null);
    }

    private void loginPage(Call c, boolean zh, int status, String action, AuthRequest ar, String error, String username) {
        loginPage(c, zh, status, action, ar, error, username, nextOf(c));
    }

    /**
     * The sign-in page for another page of this site ({@code /drive}): after signing in the browser goes to
     * {@code next} (only the pages named in {@link #NEXT_PAGES}) instead of the authorized-apps page.
     */
    public void signInFor(Call c, String action, String next) {
        loginPage(c, Html.chinese(c.request()), 200, action, null, null, null, nextPage(next) != null ? next : null);
    }

    /** The redirect for a {@code next} value, or null for anything not in {@link #NEXT_PAGES} (null included). */
    private static String nextPage(String next) {
        return next == null ? null : NEXT_PAGES.get(next);
    }

    /** Where a sign-in may continue to, and the redirect from the login form's action there. */
    private static final Map<String, String> NEXT_PAGES = Map.of("drive", "../../drive");

    private static String nextOf(Call c) {
        if (!"POST".equals(c.request().prologue().method().text())) {
            return null;
        }
        try {
            String n = form(c).get("next");
            return nextPage(n) != null ? n : null;
        } catch (ApiException e) {
            return null;
        }
    }

    private void loginPage(Call c, boolean zh, int status, String action, AuthRequest ar, String error, String username,
                           String next) {
        String loginCookie = cookie(c, loginCookieName(c)).filter(v -> v.matches("[A-Za-z0-9_-]{43}")).orElse(null);
        if (loginCookie == null) {
            loginCookie = ids.internal();
            c.response().headers().addCookie(cookieOf(c, loginCookieName(c), loginCookie, null));
        }
        StringBuilder b = new StringBuilder();
        b.append(top(zh, ar));
        b.append("<h1>").append(zh ? "登录" : "Sign in").append("</h1>");
        if (ar != null) {
            b.append("<p>").append(zh ? "应用「" + Html.esc(ar.app().name()) + "」请求访问你的 yundoc 账号，请先登录。"
                    : "<strong>" + Html.esc(ar.app().name()) + "</strong> wants to access your yundoc account. Sign in first.")
                    .append("</p>");
        } else {
            b.append("<p>").append(zh ? "登录后可查看和管理已授权的应用。" : "Sign in to see and manage the apps you have authorized.")
                    .append("</p>");
        }
        if (error != null) {
            b.append("<p class=\"error\" id=\"error\" role=\"alert\">").append(Html.esc(error)).append("</p>");
        }
        b.append("<form method=\"post\" action=\"").append(Html.esc(action)).append("\" autocomplete=\"on\">");
        hidden(b, "csrf", csrf.token(LOGIN_PURPOSE, loginCookie));
        if (next != null) {
            hidden(b, "next", next);
        }
        if (ar != null) {
            ar.carried().forEach((k, v) -> hidden(b, k, v));
        }
        b.append("<label for=\"username\">").append(zh ? "用户名" : "User name").append("</label>")
                .append("<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required "
                        + (username == null ? "autofocus " : "value=\"" + Html.esc(username) + "\" ")
                        + "maxlength=\"64\" autocapitalize=\"none\" spellcheck=\"false\">");
        b.append("<label for=\"password\">").append(zh ? "密码" : "Password").append("</label>")
                .append("<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required "
                        + (username == null ? "" : "autofocus ") + "maxlength=\"256\">");
        b.append("<div class=\"actions\"><button class=\"btn\" type=\"submit\" id=\"login\">")
                .append(zh ? "登录" : "Sign in").append("</button></div></form>");
        sendPage(c, status, Html.page(zh, zh ? "登录 - yundoc" : "Sign in - yundoc", EXTRA_CSS + b));
    }

    private void consentPage(Call c, boolean zh, AuthRequest ar, UserRecord user, SessionStore.Session session) {
        StringBuilder b = new StringBuilder();
        b.append(top(zh, ar));
        b.append("<h1 id=\"consent-title\">").append(zh ? "授权「" + Html.esc(ar.app().name()) + "」"
                : "Authorize " + Html.esc(ar.app().name())).append("</h1>");
        b.append("<p>").append(zh ? "该应用请求以下权限：" : "This app asks for permission to:").append("</p><ul class=\"scopes\">");
        for (Scope s : ar.scopes()) {
            b.append("<li>").append(Html.esc(zh ? s.displayZh() : s.displayEn())).append(" <code>")
                    .append(Html.esc(s.wireName())).append("</code></li>");
        }
        b.append("</ul><p class=\"muted\">");
        b.append(zh ? "当前账号：" : "Signed in as ").append("<strong id=\"who\">").append(Html.esc(user.nickname()))
                .append("</strong> (").append(Html.esc(user.name())).append(") · <a href=\"")
                .append(Html.esc(OAuthService.redirect("auth", withForceLogin(ar.carried())))).append("\">")
                .append(zh ? "切换账号" : "Use another account").append("</a></p>");
        b.append("<p class=\"muted\">").append(zh ? "授权后将跳转到：" : "You will be sent to: ").append("<code>")
                .append(Html.esc(ar.redirectUri())).append("</code></p>");
        b.append("<form method=\"post\" action=\"auth/consent\">");
        hidden(b, "csrf", csrf.token(CONSENT_PURPOSE, session.hash()));
        ar.carried().forEach((k, v) -> hidden(b, k, v));
        b.append("<div class=\"actions\"><button class=\"btn\" type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">")
                .append(zh ? "允许" : "Allow").append("</button>")
                .append("<button class=\"btn secondary\" type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">")
                .append(zh ? "拒绝" : "Deny").append("</button></div></form>");
        b.append("<p class=\"muted\">").append(zh ? "你可以随时在「已授权的应用」中撤销授权：" : "You can revoke access at any time on ")
                .append("<a href=\"../account/apps\">").append(zh ? "已授权的应用" : "Authorized apps").append("</a></p>");
        sendPage(c, 200, Html.page(zh, zh ? "授权 - yundoc" : "Authorize - yundoc", EXTRA_CSS + b));
    }

    private static Map<String, String> withForceLogin(Map<String, String> carried) {
        Map<String, String> m = new LinkedHashMap<>(carried);
        m.put("force_login", "true");
        return m;
    }

    private String top(boolean zh, AuthRequest ar) {
        return ar != null && !ar.header() ? "" : "<div class=\"top\">yundoc" + (zh ? " 账号" : " account") + "</div>";
    }

    // ---- POST /h5/auth/login -----------------------------------------------------------------------------------

    private void login(Call c) {
        boolean zh = Html.chinese(c.request());
        Map<String, String> form;
        try {
            form = form(c);
        } catch (ApiException e) {
            errorPage(c, zh, e);
            return;
        }
        String loginCookie = cookie(c, loginCookieName(c)).orElse(null);
        if (!csrf.valid(LOGIN_PURPOSE, loginCookie, form.get("csrf"))) {
            errorPage(c, zh, ApiException.denied("the form expired or was not sent by this site (CSRF token missing or invalid); "
                    + "go back and reload the page"));
            return;
        }
        AuthRequest ar = null;
        if (form.containsKey("app_id")) {
            try {
                ar = oauth.validate(form::get);
            } catch (ApiException e) {
                errorPage(c, zh, e);
                return;
            }
        }
        String name = form.getOrDefault("username", "").strip();
        String password = form.getOrDefault("password", "");
        if (name.isEmpty() || password.isEmpty() || name.length() > 64 || password.length() > 256) {
            loginPage(c, zh, 400, "login", ar, zh ? "请输入用户名和密码。" : "Enter your user name and password.");
            return;
        }
        LoginThrottle.Attempt attempt;
        try {
            // sleeps the delay this name and address have earned before the password is looked at
            attempt = throttle.admit(name, clientAddress(c));
        } catch (LoginThrottle.Refused r) {
            long s = r.retryAfterSeconds();
            c.response().header("Retry-After", Long.toString(s));
            loginPage(c, zh, 429, "login", ar, zh ? "同时进行的登录尝试过多，请在 " + s + " 秒后重试。"
                    : "Too many sign-in attempts at once. Try again in " + s + " second" + (s == 1 ? "" : "s") + ".", name);
            return;
        }
        Optional<UserRecord> user;
        try (attempt) {
            user = users.findByName(name);
            // an unknown name costs the same bcrypt work as a known one, so timing does not tell them apart
            String hash = user.flatMap(u -> users.passwordHash(u.userId())).orElseGet(this::dummyHash);
            boolean ok = hasher.matches(password, hash) && user.isPresent();
            if (!ok) {
                attempt.failed();
                loginPage(c, zh, 401, "login", ar, zh ? "用户名或密码错误。" : "Wrong user name or password.", name);
                return;
            }
            attempt.succeeded();
        }
        if (user.get().disabled()) {
            // revealed only after the right password (api.md §3.1)
            errorPage(c, zh, new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled"));
            return;
        }
        // a new session id on every login: a planted or stolen pre-login cookie is worth nothing afterwards
        cookie(c, sessionCookieName(c)).ifPresent(sessions::delete);
        String sid = sessions.create(user.get().userId());
        c.response().headers().addCookie(cookieOf(c, sessionCookieName(c), sid, Duration.ofSeconds(sessions.ttlSeconds())));
        c.response().headers().addCookie(cookieOf(c, loginCookieName(c), "", Duration.ZERO));
        String next = nextPage(form.get("next"));
        seeOther(c, ar != null ? OAuthService.redirect("../auth", ar.carried()) : next != null ? next : "../../account/apps");
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
        boolean zh = Html.chinese(c.request());
        try {
            Map<String, String> form = form(c);
            String raw = cookie(c, sessionCookieName(c)).orElse(null);
            SessionStore.Session session = sessions.find(raw).orElseThrow(() ->
                    new ApiException(ErrorCode.USER_UNAUTHORIZED, "not signed in or the session ended; start again from the app"));
            if (!csrf.valid(CONSENT_PURPOSE, session.hash(), form.get("csrf"))) {
                throw ApiException.denied("the form expired or was not sent by this site (CSRF token missing or invalid)");
            }
            // the posted request is checked again in full: hidden fields are client input like any other
            AuthRequest ar = oauth.validate(form::get);
            UserRecord user = users.find(session.userId()).filter(u -> !u.disabled()).orElseThrow(() ->
                    new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled"));
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
            errorPage(c, zh, e);
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
        boolean zh = Html.chinese(c.request());
        Optional<SessionStore.Session> session = session(c);
        Optional<UserRecord> user = session.flatMap(s -> users.find(s.userId()));
        if (session.isEmpty() || user.isEmpty()) {
            loginPage(c, zh, 200, "../h5/auth/login", null, null);
            return;
        }
        if (user.get().disabled()) {
            errorPage(c, zh, new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled"));
            return;
        }
        String token = csrf.token(ACCOUNT_PURPOSE, session.get().hash());
        DateTimeFormatter fmt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
        StringBuilder b = new StringBuilder();
        b.append("<div class=\"top\">yundoc").append(zh ? " 账号" : " account").append("</div>");
        b.append("<h1>").append(zh ? "已授权的应用" : "Authorized apps").append("</h1>");
        b.append("<p class=\"muted\">").append(zh ? "当前账号：" : "Signed in as ").append("<strong>")
                .append(Html.esc(user.get().nickname())).append("</strong> (").append(Html.esc(user.get().name())).append(")</p>");
        List<GrantService.Grant> list = grants.list(user.get().userId(), null);
        if (list.isEmpty()) {
            b.append("<p id=\"no-apps\">").append(zh ? "你还没有授权任何应用。" : "You have not authorized any apps.").append("</p>");
        }
        for (GrantService.Grant g : list) {
            b.append("<div class=\"app\"><strong class=\"app-name\">").append(Html.esc(g.appName() == null ? g.appId() : g.appName()))
                    .append("</strong> <span class=\"muted\">").append(Html.esc(g.appId())).append("</span><br><span class=\"muted\">")
                    .append(zh ? "授权于 " : "Authorized on ")
                    .append(fmt.format(Instant.ofEpochSecond(g.grantedAt()).atZone(zone))).append(" (").append(Html.esc(zone.getId()))
                    .append(")</span><ul class=\"scopes\">");
            for (Scope s : g.scopes()) {
                b.append("<li>").append(Html.esc(zh ? s.displayZh() : s.displayEn())).append(" <code>")
                        .append(Html.esc(s.wireName())).append("</code></li>");
            }
            b.append("</ul><form method=\"post\" action=\"apps/revoke\">");
            hidden(b, "csrf", token);
            hidden(b, "grant_id", g.grantId());
            b.append("<button class=\"btn danger\" type=\"submit\">").append(zh ? "撤销授权" : "Revoke access")
                    .append("</button></form></div>");
        }
        b.append("<form method=\"post\" action=\"logout\" class=\"actions\">");
        hidden(b, "csrf", token);
        b.append("<button class=\"btn secondary\" type=\"submit\" id=\"logout\">").append(zh ? "退出登录" : "Sign out")
                .append("</button></form>");
        sendPage(c, 200, Html.page(zh, zh ? "已授权的应用 - yundoc" : "Authorized apps - yundoc", EXTRA_CSS + b));
    }

    private void revoke(Call c) {
        boolean zh = Html.chinese(c.request());
        try {
            Map<String, String> form = form(c);
            SessionStore.Session session = sessions.find(cookie(c, sessionCookieName(c)).orElse(null)).orElseThrow(() ->
                    new ApiException(ErrorCode.USER_UNAUTHORIZED, "not signed in or the session ended"));
            if (!csrf.valid(ACCOUNT_PURPOSE, session.hash(), form.get("csrf"))) {
                throw ApiException.denied("the form expired or was not sent by this site (CSRF token missing or invalid)");
            }
            String grantId = form.getOrDefault("grant_id", "");
            // someone else's grant looks exactly like a missing one
            GrantService.Grant g = grants.find(grantId).filter(x -> x.userId().equals(session.userId()))
                    .orElseThrow(() -> ApiException.invalid("no such authorization"));
            grants.revoke(g.grantId());
            seeOther(c, "../apps");
        } catch (ApiException e) {
            errorPage(c, zh, e);
        }
    }

    private void logout(Call c) {
        boolean zh = Html.chinese(c.request());
        try {
            Map<String, String> form = form(c);
            String raw = cookie(c, sessionCookieName(c)).orElse(null);
            Optional<SessionStore.Session> session = sessions.find(raw);
            if (session.isPresent()) {
                if (!csrf.valid(ACCOUNT_PURPOSE, session.get().hash(), form.get("csrf"))) {
                    throw ApiException.denied("the form expired or was not sent by this site (CSRF token missing or invalid)");
                }
                sessions.delete(raw);
            }
            c.response().headers().addCookie(cookieOf(c, sessionCookieName(c), "", Duration.ZERO));
            seeOther(c, "apps");
        } catch (ApiException e) {
            errorPage(c, zh, e);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Optional<SessionStore.Session> session(Call c) {
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
        SetCookie.Builder b = SetCookie.builder(name, value).path("/").httpOnly(true).sameSite(SetCookie.SameSite.LAX)
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

    /** An application/x-www-form-urlencoded body; the first value of each name counts. */
    static Map<String, String> form(Call c) {
        String body = new String(c.body(), StandardCharsets.UTF_8);
        Map<String, String> m = new HashMap<>();
        if (body.isEmpty()) {
            return m;
        }
        try {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                m.putIfAbsent(k, v);
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("form body is not valid application/x-www-form-urlencoded");
        }
        return m;
    }

    private static void hidden(StringBuilder b, String name, String value) {
        b.append("<input type=\"hidden\" name=\"").append(Html.esc(name)).append("\" value=\"").append(Html.esc(value)).append("\">");
    }

    private static void errorPage(Call c, boolean zh, ApiException e) {
        ErrorCode code = e.code();
        StringBuilder b = new StringBuilder();
        b.append("<div class=\"top\">yundoc</div><h1>").append(zh ? "无法继续" : "Cannot continue").append("</h1>");
        b.append("<p class=\"error\" id=\"error\" role=\"alert\"><strong id=\"error-code\">").append(code.code())
                .append("</strong> <span id=\"error-name\">").append(Html.esc(code.wireName())).append("</span><br>")
                .append("<span id=\"error-hint\">").append(Html.esc(e.hint())).append("</span></p>");
        b.append("<p class=\"muted\">").append(explain(zh, code)).append("</p>");
        if (e.headers().containsKey("Retry-After")) {
            c.response().header("Retry-After", e.headers().get("Retry-After"));
        }
        sendPage(c, code.httpStatus(), Html.page(zh, (zh ? "错误 " : "Error ") + code.code() + " - yundoc", EXTRA_CSS + b));
    }

    private static String explain(boolean zh, ErrorCode code) {
        return switch (code) {
            case APP_NOT_EXIST -> zh ? "应用不存在，请联系应用开发者。" : "The app is not known here. Contact the app's developer.";
            case AUDIT_NOT_PASS -> zh ? "该应用已被停用。" : "This app has been disabled.";
            case INVALID_SCOPE -> zh ? "应用请求的权限无效。" : "The app asked for permissions that are not valid.";
            case INVALID_REDIRECT_URI -> zh ? "应用提供的回调地址未登记，为安全起见不会跳转。"
                    : "The app's return address is not registered, so you are not sent there.";
            case INVALID_RESPONSE_TYPE -> zh ? "授权请求的 response_type 无效。" : "The authorization request has an invalid response_type.";
            case USER_UNAUTHORIZED -> zh ? "登录已失效，请回到应用重新开始。" : "Your sign-in ended. Go back to the app and start again.";
            case USER_ACCOUNT_RESTRICTED -> zh ? "该账号已被停用，请联系管理员。" : "This account is disabled. Contact the administrator.";
            case PERMISSION_DENIED -> zh ? "表单已过期或不是由本站提交，请返回并刷新页面后重试。"
                    : "The form expired or did not come from this site. Go back, reload the page and try again.";
            default -> zh ? "请求无效。" : "The request is not valid.";
        };
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
