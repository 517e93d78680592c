package io.yundoc.server.inspect;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.SetCookie;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.oauth.Csrf;
import io.yundoc.server.quota.QuotaService;
import io.yundoc.server.web.PageText;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The dev-mode inspector (design.md "Emulator controls"): {@code GET/DELETE /admin/v1/requests} (the journal as JSON,
 * admin token) and the {@code /inspect} page (admin token as a bearer header, or signed in with it on the page's
 * own form). Registered only in dev mode, so outside it every one of these paths is a plain 404.
 */
public final class InspectRoutes implements ApiRoutes {
    static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    private static final String SESSION_PURPOSE = "inspect-session";
    private static final String LOGIN_PURPOSE = "inspect-login";
    private static final String RESET_PURPOSE = "inspect-reset";
    private final RequestJournal journal;
    private final InspectService state;
    private final QuotaService quota;
    private final Supplier<String> adminToken;
    private final Csrf csrf;
    private final IdGenerator ids;

    private static final Map<String, byte[]> ASSETS = new ConcurrentHashMap<>();

    public InspectRoutes(
            RequestJournal journal,
            InspectService state,
            QuotaService quota,
            Supplier<String> adminToken,
            Csrf csrf,
            IdGenerator ids) {
        this.journal = journal;
        this.state = state;
        this.quota = quota;
        this.adminToken = adminToken;
        this.csrf = csrf;
        this.ids = ids;
    }

    @Override
    public void routes(Routes r) {
        r.admin(Method.GET, "/admin/v1/requests", c -> {
            JournalQuery q = JournalQuery.parse(n -> c.query(n).orElse(null), journal.capacity());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("capacity", journal.capacity());
            m.put("body_limit", journal.bodyLimit());
            m.put("size", journal.size());
            m.put("dropped", journal.dropped());
            m.put(
                    "requests",
                    journal.list(q, q.limit()).stream()
                            .map(RequestJournal.Entry::wire)
                            .toList());
            c.ok(m);
        });
        r.admin(Method.DELETE, "/admin/v1/requests", c -> {
            journal.clear();
            c.ok(Map.of());
        });
        r.open(Method.GET, "/inspect", this::page);
        r.open(Method.POST, "/inspect/login", this::login);
        r.open(Method.POST, "/inspect/reset", this::reset);
        r.open(
                Method.GET,
                "/inspect/assets/inspect.css",
                c -> asset(c, "/static/inspect/inspect.css", "text/css; charset=utf-8"));
    }

    // ---- page ----------------------------------------------------------------------------------------------

    /** What the inspector page shows. */
    public record View(
            PageText t,
            boolean signedIn,
            String csrf,
            String error,
            List<AppRecord> apps,
            List<UserRecord> users,
            List<Inspected.FileRow> files,
            List<Inspected.LinkRow> links,
            List<QuotaRow> quota,
            List<RequestJournal.Entry> requests,
            Map<String, String> filter,
            int capacity,
            long dropped) {
        public String time(long epochSeconds) {
            return epochSeconds == 0 ? "—" : Instant.ofEpochSecond(epochSeconds).toString();
        }

        public String millis(long epochMillis) {
            return Instant.ofEpochMilli(epochMillis).toString();
        }

        public String f(String name) {
            return filter.getOrDefault(name, "");
        }

        public String duration(long micros) {
            return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
        }
    }

    public record QuotaRow(String appId, String endpoint, long used) {}

    private void page(Call c) {
        PageText t = PageText.of(c.request());
        if (!signedIn(c)) {
            loginForm(c, t, null, 200);
            return;
        }
        Map<String, String> filter = new LinkedHashMap<>();
        for (String n : List.of("method", "path", "app_id", "user_id", "status", "code", "limit")) {
            c.query(n).filter(v -> !v.isBlank()).ifPresent(v -> filter.put(n, v));
        }
        JournalQuery q;
        String error = null;
        try {
            q = JournalQuery.parse(filter::get, journal.capacity());
        } catch (ApiException e) {
            error = e.hint();
            q = JournalQuery.parse(n -> null, journal.capacity());
        }
        List<AppRecord> appList = state.apps();
        List<QuotaRow> rows = new ArrayList<>();
        for (AppRecord a : appList) {
            quota.usage(a.appId()).forEach((endpoint, used) -> rows.add(new QuotaRow(a.appId(), endpoint, used)));
        }
        View v = new View(
                t,
                true,
                csrf.token(RESET_PURPOSE, sessionValue()),
                error,
                appList,
                state.users(),
                state.files(200),
                state.links(200),
                rows,
                journal.list(q, q.limit()),
                filter,
                journal.capacity(),
                journal.dropped());
        render(c, v, 200);
    }

    private void loginForm(Call c, PageText t, String error, int status) {
        String pre = cookie(c, "yd_inspect_login")
                .filter(s -> s.matches("[A-Za-z0-9_-]{43}"))
                .orElse(null);
        if (pre == null) {
            pre = ids.internal();
            c.response().headers().addCookie(cookie(c, "yd_inspect_login", pre));
        }
        View v = new View(
                t,
                false,
                csrf.token(LOGIN_PURPOSE, pre),
                error,
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                Map.of(),
                journal.capacity(),
                0);
        render(c, v, status);
    }

    private void render(Call c, View v, int status) {
        StringOutput out = new StringOutput();
        TEMPLATES.render("inspect.jte", Map.of("v", v), out);
        var res = c.response();
        res.status(status);
        res.header("Content-Type", "text/html; charset=utf-8");
        res.header("Content-Security-Policy", CSP);
        res.header("X-Frame-Options", "DENY");
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.header("Cache-Control", "no-store");
        res.send(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void login(Call c) {
        PageText t = PageText.of(c.request());
        Map<String, String> form = form(c);
        String pre = cookie(c, "yd_inspect_login").orElse(null);
        if (!csrf.valid(LOGIN_PURPOSE, pre, form.get("csrf"))) {
            loginForm(c, t, t.get("inspect.csrf"), 403);
            return;
        }
        String sent = form.getOrDefault("token", "");
        if (!MessageDigest.isEqual(
                sent.getBytes(StandardCharsets.UTF_8), adminToken.get().getBytes(StandardCharsets.UTF_8))) {
            loginForm(c, t, t.get("inspect.wrong"), 401);
            return;
        }
        c.response().headers().addCookie(cookie(c, "yd_inspect", sessionValue()));
        seeOther(c, "../inspect");
    }

    private void reset(Call c) {
        PageText t = PageText.of(c.request());
        Map<String, String> form = form(c);
        if (!signedIn(c) || !csrf.valid(RESET_PURPOSE, sessionValue(), form.get("csrf"))) {
            loginForm(c, t, t.get("inspect.csrf"), 403);
            return;
        }
        journal.clear();
        seeOther(c, "../inspect");
    }

    /** The inspector cookie: an HMAC of the admin token under the server's CSRF key (stateless, changes with the token). */
    private String sessionValue() {
        return csrf.token(SESSION_PURPOSE, adminToken.get());
    }

    private boolean signedIn(Call c) {
        String bearer = c.header("Authorization").orElse("");
        if (MessageDigest.isEqual(
                bearer.getBytes(StandardCharsets.UTF_8),
                ("Bearer " + adminToken.get()).getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        return cookie(c, "yd_inspect")
                .map(v -> MessageDigest.isEqual(
                        v.getBytes(StandardCharsets.UTF_8), sessionValue().getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }

    private static Optional<String> cookie(Call c, String name) {
        return c.request().headers().cookies().first(name).asOptional();
    }

    private static SetCookie cookie(Call c, String name, String value) {
        return SetCookie.builder(name, value)
                .path("/")
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.STRICT)
                .secure(c.baseUrl().startsWith("https:"))
                .build();
    }

    private static void seeOther(Call c, String location) {
        var res = c.response();
        res.header("Cache-Control", "no-store");
        res.status(303);
        res.header(HeaderNames.LOCATION, location);
        res.send();
    }

    static Map<String, String> form(Call c) {
        String body = new String(c.body(), StandardCharsets.UTF_8);
        Map<String, String> m = new HashMap<>();
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                m.putIfAbsent(
                        URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed pair is ignored: the CSRF check then fails on its own
            }
        }
        return m;
    }

    static void asset(Call c, String resource, String type) {
        byte[] b = ASSETS.computeIfAbsent(resource, r -> {
            try (var in = InspectRoutes.class.getResourceAsStream(r)) {
                return in.readAllBytes();
            } catch (Exception e) {
                throw new IllegalStateException("missing resource " + r, e);
            }
        });
        c.response().header("Content-Type", type);
        c.response().header("Cache-Control", "public, max-age=300");
        c.response().header("X-Content-Type-Options", "nosniff");
        c.response().send(b);
    }
}
