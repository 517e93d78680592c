package io.yundoc.server.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import io.yundoc.server.core.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The apps table. */
public final class AppStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private final Jdbi jdbi;
    /**
     * App rows by id, embedded mode only: one instance owns the database there, so every write below invalidates
     * exactly. With shared storage (several instances) rows are always read, so a disable or a key rotation done
     * through another instance takes effect at once.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, AppRecord> cache;

    public AppStore(Jdbi jdbi) {
        this(jdbi, false);
    }

    public AppStore(Jdbi jdbi, boolean cacheRows) {
        this.jdbi = jdbi;
        this.cache = cacheRows ? new java.util.concurrent.ConcurrentHashMap<>() : null;
    }

    /** Bumped by every write: a reader caches what it read only if no write happened meanwhile. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    private void invalidate(String appId) {
        if (cache != null) {
            generation.incrementAndGet();
            cache.remove(appId);
        }
    }

    public void insert(AppRecord a) {
        jdbi.useHandle(h -> insert(h, a));
    }

    public static void insert(org.jdbi.v3.core.Handle h, AppRecord a) {
        h.createUpdate("""
                        INSERT INTO apps (app_id, app_key, name, tier, redirect_uris, scopes, disabled, auto_consent_user,
                                          quota_overrides, created_at)
                        VALUES (:id, :key, :name, :tier, :uris, :scopes, 0, :auto, :quota, :created)""")
                .bind("id", a.appId()).bind("key", a.appKey()).bind("name", a.name()).bind("tier", a.tier())
                .bind("uris", Json.writeString(a.redirectUris())).bind("scopes", Json.writeString(a.scopes()))
                .bind("auto", a.autoConsentUser()).bind("quota", a.quotaOverrides()).bind("created", a.createdAt())
                .execute();
    }

    public Optional<AppRecord> find(String appId) {
        if (cache != null) {
            AppRecord hit = cache.get(appId);
            if (hit != null) {
                return Optional.of(hit);
            }
        }
        long seen = generation.get();
        Optional<AppRecord> row = jdbi.withHandle(h -> h.createQuery("SELECT * FROM apps WHERE app_id = :id")
                .bind("id", appId).map((rs, ctx) -> map(rs)).findOne());
        if (cache != null && row.isPresent() && generation.get() == seen && cache.size() < 100_000) {
            cache.put(appId, row.get());
        }
        return row;
    }

    public List<AppRecord> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM apps ORDER BY created_at, app_id")
                .map((rs, ctx) -> map(rs)).list());
    }

    public void update(AppRecord a) {
        invalidate(a.appId());
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE apps SET app_key = :key, old_app_key = :oldKey, old_key_valid_until = :oldUntil, name = :name,
                               tier = :tier, redirect_uris = :uris, scopes = :scopes, disabled = :disabled,
                               auto_consent_user = :auto, quota_overrides = :quota
                        WHERE app_id = :id""")
                .bind("id", a.appId()).bind("key", a.appKey()).bind("oldKey", a.oldAppKey())
                .bind("oldUntil", a.oldKeyValidUntil()).bind("name", a.name()).bind("tier", a.tier())
                .bind("uris", Json.writeString(a.redirectUris())).bind("scopes", Json.writeString(a.scopes()))
                .bind("disabled", a.disabled() ? 1 : 0).bind("auto", a.autoConsentUser())
                .bind("quota", a.quotaOverrides()).execute());
        invalidate(a.appId()); // again after the write: a reader may have cached the old row meanwhile
    }

    /** Replaces the overrides only if they still are {@code expected}: false when another writer came first. */
    public boolean compareAndSetQuotaOverrides(String appId, String expected, String next) {
        invalidate(appId);
        boolean done = jdbi.withHandle(h -> h.createUpdate("UPDATE apps SET quota_overrides = :n WHERE app_id = :id AND quota_overrides = :e")
                .bind("n", next).bind("id", appId).bind("e", expected).execute()) == 1;
        invalidate(appId);
        return done;
    }

    /** Updates the descriptive fields an operator may PATCH, leaving keys, overrides and the disabled flag alone. */
    public void updateProfile(AppRecord a) {
        invalidate(a.appId());
        jdbi.useHandle(h -> h.createUpdate("UPDATE apps SET name = :name, tier = :tier, redirect_uris = :uris, scopes = :scopes, "
                        + "auto_consent_user = :auto WHERE app_id = :id")
                .bind("id", a.appId()).bind("name", a.name()).bind("tier", a.tier())
                .bind("uris", Json.writeString(a.redirectUris())).bind("scopes", Json.writeString(a.scopes()))
                .bind("auto", a.autoConsentUser()).execute());
        invalidate(a.appId());
    }

    /** Parsed JSON string lists by their text: every WPS-2 request reads its app, and these columns rarely change. */
    private static final java.util.Map<String, List<String>> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    private static List<String> strings(String json) throws com.fasterxml.jackson.core.JsonProcessingException {
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
            return new AppRecord(rs.getString("app_id"), rs.getString("app_key"), rs.getString("old_app_key"), oldUntil,
                    rs.getString("name"), rs.getString("tier"),
                    strings(rs.getString("redirect_uris")),
                    strings(rs.getString("scopes")),
                    rs.getInt("disabled") != 0, rs.getString("auto_consent_user"), rs.getString("quota_overrides"),
                    rs.getLong("created_at"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("corrupt app row " + rs.getString("app_id"), e);
        }
    }
}
