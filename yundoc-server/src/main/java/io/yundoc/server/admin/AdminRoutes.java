package io.yundoc.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Maintenance;
import io.yundoc.server.api.Routes;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.quota.QuotaService;
import io.yundoc.server.quota.Tier;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The admin API under {@code /admin/v1} (design.md "Operator surface"). */
public final class AdminRoutes implements ApiRoutes {
    private static final String BASE = "/admin/v1";
    private final AdminService admin;
    private final QuotaService quota;
    private final ServerClock clock;
    private final Maintenance maintenance;
    private final boolean dev;
    private final boolean issueTokens;
    private final List<String> meteredEndpoints;
    private final FixtureLoader fixtures;

    private static final Set<String> PATCHABLE = Set.of(
            "name", "tier", "redirect_uris", "scopes", "quota_overrides", "auto_consent_user", "anonymous_preview");

    public AdminRoutes(
            AdminService admin,
            QuotaService quota,
            ServerClock clock,
            Maintenance maintenance,
            boolean dev,
            boolean issueTokens,
            List<String> meteredEndpoints,
            FixtureLoader fixtures) {
        this.fixtures = fixtures;
        this.admin = admin;
        this.quota = quota;
        this.clock = clock;
        this.maintenance = maintenance;
        this.dev = dev;
        this.issueTokens = issueTokens;
        this.meteredEndpoints = meteredEndpoints;
    }

    @Override
    public void routes(Routes r) {
        r.admin(Method.POST, BASE + "/apps", this::createApp);
        r.admin(
                Method.GET,
                BASE + "/apps",
                c -> c.ok(Map.of(
                        "apps",
                        admin.apps().stream().map(a -> appView(a, false)).toList())));
        r.admin(Method.GET, BASE + "/apps/:app_id", c -> c.ok(appView(app(c.param("app_id")), false)));
        r.admin(Method.POST, BASE + "/apps/:app_id/disable", c -> c.ok(setAppDisabled(c.param("app_id"), true)));
        r.admin(Method.POST, BASE + "/apps/:app_id/enable", c -> c.ok(setAppDisabled(c.param("app_id"), false)));
        r.admin(Method.POST, BASE + "/users", this::createUser);
        r.admin(
                Method.GET,
                BASE + "/users",
                c -> c.ok(Map.of(
                        "users",
                        admin.users().stream().map(AdminRoutes::userView).toList())));
        r.admin(Method.POST, BASE + "/users/:user_id/disable", c -> c.ok(setUserDisabled(c.param("user_id"), true)));
        r.admin(Method.POST, BASE + "/users/:user_id/enable", c -> c.ok(setUserDisabled(c.param("user_id"), false)));
        r.admin(Method.POST, BASE + "/tokens", this::issueToken);
        r.admin(Method.PATCH, BASE + "/apps/:app_id", this::patchApp);
        r.admin(Method.GET, BASE + "/quota", this::quota);
        r.admin(Method.PUT, BASE + "/quota", this::putQuota);
        r.admin(Method.PUT, BASE + "/maintenance", this::maintenance);
        r.admin(Method.GET, BASE + "/clock", c -> {
            devOnly();
            c.ok(clockView());
        });
        r.admin(Method.POST, BASE + "/clock", this::moveClock);
        r.admin(Method.POST, BASE + "/fixtures", c -> {
            devOnly();
            c.ok(Map.of("created", fixtures.apply(c.json(true))));
        });
    }

    private void devOnly() {
        if (!dev) {
            throw ApiException.denied("dev mode only");
        }
    }

    private AppRecord app(String appId) {
        return admin.app(appId);
    }

    private void createApp(Call c) {
        ObjectNode b = c.json(true);
        AppRecord a = admin.createApp(new AdminService.NewApp(
                Json.text(b, "name").orElse(null),
                Json.text(b, "tier").orElse(null),
                Json.stringList(b, "redirect_uris").orElse(List.of()),
                Json.stringList(b, "scopes").orElse(null),
                Json.text(b, "app_id").orElse(null),
                Json.text(b, "app_key").orElse(null),
                Json.text(b, "auto_consent_user").orElse(null)));
        anonymousPreview(a.appId(), b);
        Map<String, Object> view = appView(a, true);
        view.put("anonymous_preview", admin.anonymousPreview(a.appId()));
        c.ok(view);
    }

    /** {@code anonymous_preview} of a POST or PATCH body: a boolean, off unless set (api-families.md §F4). */
    private void anonymousPreview(String appId, ObjectNode b) {
        if (!b.has("anonymous_preview")) {
            return;
        }
        JsonNode v = b.get("anonymous_preview");
        if (!v.isBoolean()) {
            throw ApiException.invalid("anonymous_preview must be true or false");
        }
        admin.setAnonymousPreview(appId, v.booleanValue());
    }

    private Map<String, Object> setAppDisabled(String appId, boolean disabled) {
        return appView(admin.setAppDisabled(appId, disabled), false);
    }

    Map<String, Object> appView(AppRecord a, boolean withKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app_id", a.appId());
        if (withKey) {
            m.put("app_key", a.appKey());
        }
        m.put("name", a.name());
        m.put("tier", a.tier());
        m.put("redirect_uris", a.redirectUris());
        m.put("scopes", a.scopes());
        if (!withKey) {
            m.put("disabled", a.disabled());
            m.put("auto_consent_user", a.autoConsentUser());
            m.put("anonymous_preview", admin.anonymousPreview(a.appId()));
            try {
                m.put("quota_overrides", Json.MAPPER.readTree(a.quotaOverrides()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            m.put("key_rotation", KeyRotationRoutes.state(a, clock.epochSeconds()));
        }
        return m;
    }

    private void createUser(Call c) {
        ObjectNode b = c.json(true);
        UserRecord u = admin.createUser(new AdminService.NewUser(
                Json.text(b, "name").orElse(null),
                Json.text(b, "password").orElse(null),
                Json.text(b, "nickname").orElse(null),
                Json.text(b, "avatar").orElse(null),
                Json.text(b, "user_id").orElse(null),
                null));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", u.userId());
        m.put("union_id", u.unionId());
        m.put("nickname", u.nickname());
        c.ok(m);
    }

    private Map<String, Object> setUserDisabled(String userId, boolean disabled) {
        return userView(admin.setUserDisabled(userId, disabled));
    }

    static Map<String, Object> userView(UserRecord u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", u.userId());
        m.put("union_id", u.unionId());
        m.put("name", u.name());
        m.put("nickname", u.nickname());
        m.put("disabled", u.disabled());
        return m;
    }

    private void issueToken(Call c) {
        if (!issueTokens) {
            throw new ApiException(ErrorCode.NO_IMPL, "token issuing is turned off (--admin-issue-tokens=false)");
        }
        ObjectNode b = c.json(true);
        c.ok(admin.issueToken(
                Json.text(b, "app_id").orElseThrow(() -> ApiException.invalid("app_id is required")),
                Json.text(b, "user_id").orElseThrow(() -> ApiException.invalid("user_id is required")),
                Json.stringList(b, "scopes").orElse(List.of())));
    }

    private void quota(Call c) {
        String appId = c.query("app_id").orElseThrow(() -> ApiException.invalid("app_id is required"));
        AppRecord a = app(appId);
        Map<String, Long> used = quota.usage(appId);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String endpoint : meteredEndpoints) {
            Tier tier = Tier.valueOf(endpoint.substring(0, endpoint.indexOf('|')));
            String key = endpoint.substring(endpoint.indexOf('|') + 1);
            long limit = quota.limitFor(a.formal(), a.quotaOverrides(), key, tier);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("endpoint", key);
            row.put("limit", limit == QuotaService.UNLIMITED ? "unlimited" : limit);
            row.put("used", used.getOrDefault(key, 0L));
            rows.add(row);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app_id", appId);
        m.put("day", quota.today());
        m.put("endpoints", rows);
        c.ok(m);
    }

    /** The metered endpoint keys ("METHOD /path/template"), for validating overrides. */
    private Set<String> meteredKeys() {
        Set<String> keys = new HashSet<>();
        for (String e : meteredEndpoints) {
            keys.add(e.substring(e.indexOf('|') + 1));
        }
        return keys;
    }

    /** A validated override value: a limit, "unlimited", or null (remove). */
    private static JsonNode overrideValue(String endpoint, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual() && v.asText().equals("unlimited")) {
            return v;
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
            return v;
        }
        throw ApiException.invalid("limit for " + endpoint + " must be a non-negative integer, \"unlimited\" or null");
    }

    /**
     * Applies override changes with a compare-and-set on the stored JSON, retried on a concurrent change, so two
     * admins (or instances) editing different endpoints never lose one another's edit.
     */
    private AppRecord applyOverrides(String appId, Map<String, JsonNode> changes) {
        Set<String> known = meteredKeys();
        for (String k : changes.keySet()) {
            if (!known.contains(k)) {
                throw ApiException.invalid("not a metered endpoint: " + k + " (form: \"<METHOD> <path template>\")");
            }
        }
        for (int attempt = 0; ; attempt++) {
            AppRecord a = app(appId);
            ObjectNode o;
            try {
                o = (ObjectNode) Json.MAPPER.readTree(a.quotaOverrides());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            changes.forEach((k, v) -> {
                if (v == null) {
                    o.remove(k);
                } else {
                    o.set(k, v);
                }
            });
            if (admin.compareAndSetQuotaOverrides(appId, a.quotaOverrides(), Json.writeString(o))) {
                return app(appId);
            }
            if (attempt > 20) {
                throw new ApiException(ErrorCode.INTERNAL_ERROR, "quota overrides changed concurrently; retry");
            }
        }
    }

    private void putQuota(Call c) {
        ObjectNode b = c.json(true);
        String appId = Json.text(b, "app_id").orElseThrow(() -> ApiException.invalid("app_id is required"));
        String endpoint = Json.text(b, "endpoint").orElseThrow(() -> ApiException.invalid("endpoint is required"));
        if (!b.has("limit")) {
            throw ApiException.invalid("limit is required (a number, \"unlimited\" or null)");
        }
        app(appId);
        Map<String, JsonNode> change = new LinkedHashMap<>();
        change.put(endpoint, overrideValue(endpoint, b.get("limit")));
        AppRecord a = applyOverrides(appId, change);
        String tierName = meteredEndpoints.stream()
                .filter(e -> e.endsWith("|" + endpoint))
                .findFirst()
                .map(e -> e.substring(0, e.indexOf('|')))
                .orElseThrow();
        long limit = quota.limitFor(a.formal(), a.quotaOverrides(), endpoint, Tier.valueOf(tierName));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("endpoint", endpoint);
        row.put("limit", limit == QuotaService.UNLIMITED ? "unlimited" : limit);
        row.put("used", quota.usage(appId).getOrDefault(endpoint, 0L));
        c.ok(row);
    }

    private void patchApp(Call c) {
        String appId = c.param("app_id");
        AppRecord a = app(appId);
        ObjectNode b = c.json(true);
        b.fieldNames().forEachRemaining(f -> {
            if (!PATCHABLE.contains(f)) {
                throw ApiException.invalid("unknown field " + f);
            }
        });
        Map<String, JsonNode> changes = new LinkedHashMap<>();
        if (b.has("quota_overrides")) {
            JsonNode q = b.get("quota_overrides");
            if (!q.isObject()) {
                throw ApiException.invalid("quota_overrides must be an object");
            }
            q.fields().forEachRemaining(e -> changes.put(e.getKey(), overrideValue(e.getKey(), e.getValue())));
        }
        AppRecord updated = admin.patchApp(
                a,
                b.has("name") ? Json.text(b, "name").orElse("") : null,
                b.has("tier") ? Json.text(b, "tier").orElse("") : null,
                b.has("redirect_uris") ? Json.stringList(b, "redirect_uris").orElse(List.of()) : null,
                b.has("scopes") ? Json.stringList(b, "scopes").orElse(List.of()) : null,
                b.has("auto_consent_user"),
                Json.text(b, "auto_consent_user").orElse(null));
        if (!changes.isEmpty()) {
            updated = applyOverrides(appId, changes);
        }
        anonymousPreview(appId, b);
        c.ok(appView(updated, false));
    }

    private void maintenance(Call c) {
        ObjectNode b = c.json(true);
        boolean on = Json.bool(b, "on").orElseThrow(() -> ApiException.invalid("on is required"));
        maintenance.set(on, Json.integer(b, "retry_after_seconds").orElse(300L));
        c.ok(Map.of("on", on));
    }

    private void moveClock(Call c) {
        devOnly();
        ObjectNode b = c.json(true);
        if (b.path("reset").asBoolean(false)) {
            // back to the real time: what test kits do before each test
            clock.advanceMillis(-clock.offsetMillis());
        } else if (b.has("advance_seconds")) {
            long s = Json.integer(b, "advance_seconds").orElseThrow();
            if (Math.abs(s) > 100L * 365 * 86_400) {
                throw ApiException.invalid("advance_seconds out of range");
            }
            clock.advanceMillis(s * 1000);
        } else if (b.has("now")) {
            try {
                clock.set(Instant.parse(Json.text(b, "now").orElseThrow()));
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("now must be an RFC 3339 time");
            }
        } else {
            throw ApiException.invalid("advance_seconds, now or reset is required");
        }
        c.ok(clockView());
    }

    private Map<String, Object> clockView() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("now", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("offset_seconds", clock.offsetMillis() / 1000);
        return m;
    }
}
