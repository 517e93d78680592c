package io.yundoc.server.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ReadCache;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The apps table. */
public final class AppStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private final Jdbi jdbi;
    /** App rows by id (see {@link io.yundoc.server.core.ReadCache}): every WPS-2 request reads its app. */
    private final ReadCache.Region<String, AppRecord> rows;

    private final ReadCache cache;

    /** Parsed JSON string lists by their text: every WPS-2 request reads its app, and these columns rarely change. */
    private static final Map<String, List<String>> PARSED = new ConcurrentHashMap<>();

    public AppStore(Jdbi jdbi) {
        this(jdbi, ReadCache.disabled());
    }

    public AppStore(Jdbi jdbi, ReadCache cache) {
        this.jdbi = jdbi;
        this.cache = cache;
        this.rows = cache.region(100_000);
    }

    public void insert(AppRecord a) {
        jdbi.useHandle(h -> insert(h, a));
    }

    public static void insert(Handle h, AppRecord a) {
        h.createUpdate("""
                        INSERT INTO apps (app_id, app_key, name, tier, redirect_uris, scopes, disabled, auto_consent_user,
                                          quota_overrides, created_at)
                        VALUES (:id, :key, :name, :tier, :uris, :scopes, 0, :auto, :quota, :created)""")
                .bind("id", a.appId())
                .bind("key", a.appKey())
                .bind("name", a.name())
                .bind("tier", a.tier())
                .bind("uris", Json.writeString(a.redirectUris()))
                .bind("scopes", Json.writeString(a.scopes()))
                .bind("auto", a.autoConsentUser())
                .bind("quota", a.quotaOverrides())
                .bind("created", a.createdAt())
                .execute();
    }

    public Optional<AppRecord> find(String appId) {
        return find(cache.direct(), appId);
    }

    /** The app row, possibly from the row cache under {@code reads} (see {@link io.yundoc.server.core.ReadCache}). */
    public Optional<AppRecord> find(ReadCache.Reads reads, String appId) {
        return Optional.ofNullable(rows.get(
                reads,
                appId,
                id -> jdbi.withHandle(h -> h.createQuery("SELECT * FROM apps WHERE app_id = :id")
                                .bind("id", id)
                                .map((rs, ctx) -> map(rs))
                                .findOne())
                        .orElse(null)));
    }

    public List<AppRecord> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM apps ORDER BY created_at, app_id")
                .map((rs, ctx) -> map(rs))
                .list());
    }

    public void update(AppRecord a) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE apps SET app_key = :key, old_app_key = :oldKey, old_key_valid_until = :oldUntil, name = :name,
                               tier = :tier, redirect_uris = :uris, scopes = :scopes, disabled = :disabled,
                               auto_consent_user = :auto, quota_overrides = :quota
                        WHERE app_id = :id""")
                .bind("id", a.appId())
                .bind("key", a.appKey())
                .bind("oldKey", a.oldAppKey())
                .bind("oldUntil", a.oldKeyValidUntil())
                .bind("name", a.name())
                .bind("tier", a.tier())
                .bind("uris", Json.writeString(a.redirectUris()))
                .bind("scopes", Json.writeString(a.scopes()))
                .bind("disabled", a.disabled() ? 1 : 0)
                .bind("auto", a.autoConsentUser())
                .bind("quota", a.quotaOverrides())
                .execute());
    }

    /** Replaces the overrides only if they still are {@code expected}: false when another writer came first. */
    public boolean compareAndSetQuotaOverrides(String appId, String expected, String next) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE apps SET quota_overrides = :n WHERE app_id = :id AND quota_overrides = :e")
                        .bind("n", next)
                        .bind("id", appId)
                        .bind("e", expected)
                        .execute())
                == 1;
    }

    /** Updates the descriptive fields an operator may PATCH, leaving keys, overrides and the disabled flag alone. */
    public void updateProfile(AppRecord a) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE apps SET name = :name, tier = :tier, redirect_uris = :uris, scopes = :scopes, "
                                + "auto_consent_user = :auto WHERE app_id = :id")
                .bind("id", a.appId())
                .bind("name", a.name())
                .bind("tier", a.tier())
                .bind("uris", Json.writeString(a.redirectUris()))
                .bind("scopes", Json.writeString(a.scopes()))
                .bind("auto", a.autoConsentUser())
                .execute());
    }

    /** The operator's anonymous-preview switch of an app (api-families.md §F4); false for an unknown app. */
    public boolean anonymousPreview(String appId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT anonymous_preview FROM apps WHERE app_id = :id")
                        .bind("id", appId)
                        .mapTo(Integer.class)
                        .findOne()
                        .orElse(0)
                != 0);
    }

    public void setAnonymousPreview(String appId, boolean on) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE apps SET anonymous_preview = :on WHERE app_id = :id")
                .bind("on", on ? 1 : 0)
                .bind("id", appId)
                .execute());
    }

    private static List<String> strings(String json) throws JsonProcessingException {
        List<String> cached = PARSED.get(json);
        if (cached != null) {
            return cached;
        }
        List<String> parsed = List.copyOf(Json.MAPPER.readValue(json, STRINGS));
        if (PARSED.size() < 10_000) {
            PARSED.put(json, parsed);
        }
        return parsed;
    }

    static AppRecord map(ResultSet rs) throws SQLException {
        long until = rs.getLong("old_key_valid_until");
        Long oldUntil = rs.wasNull() ? null : until;
        try {
            return new AppRecord(
                    rs.getString("app_id"),
                    rs.getString("app_key"),
                    rs.getString("old_app_key"),
                    oldUntil,
                    rs.getString("name"),
                    rs.getString("tier"),
                    strings(rs.getString("redirect_uris")),
                    strings(rs.getString("scopes")),
                    rs.getInt("disabled") != 0,
                    rs.getString("auto_consent_user"),
                    rs.getString("quota_overrides"),
                    rs.getLong("created_at"));
        } catch (JsonProcessingException e) {
            throw new SQLException("corrupt app row " + rs.getString("app_id"), e);
        }
    }

    public static boolean exists(Handle h, String appId) {
        return h.createQuery("SELECT COUNT(*) FROM apps WHERE app_id = :a")
                        .bind("a", appId)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }
}
