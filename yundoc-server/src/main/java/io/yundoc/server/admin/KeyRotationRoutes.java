package io.yundoc.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Routes;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ServerClock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-app key rotation with an overlap (design.md admin API, api.md §3.4): the new key works at once, the old one
 * keeps verifying WPS-2 signatures until the operator ends the overlap or {@code overlap_seconds} pass on the
 * {@link ServerClock}. Only one old key is kept: rotating again during an overlap retires the oldest key at once.
 */
public final class KeyRotationRoutes implements ApiRoutes {
    private static final String BASE = "/admin/v1/apps/:app_id";
    /** A year: longer overlaps are almost certainly a unit mistake; "until ended" is the explicit way to say forever. */
    private static final long MAX_OVERLAP = 366L * 86_400;

    private final AdminService admin;
    private final ServerClock clock;
    private final IdGenerator ids;

    public KeyRotationRoutes(AdminService admin, ServerClock clock, IdGenerator ids) {
        this.admin = admin;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public void routes(Routes r) {
        r.admin(Method.POST, BASE + "/rotate-key", c -> {
            ObjectNode body = c.json(false);
            Long overlap = Json.integer(body, "overlap_seconds").orElse(null);
            if (overlap != null && (overlap < 0 || overlap > MAX_OVERLAP)) {
                throw ApiException.invalid("overlap_seconds must be 0 to " + MAX_OVERLAP);
            }
            c.ok(rotate(c.param("app_id"), overlap));
        });
        r.admin(Method.POST, BASE + "/rotate-key/end", c -> c.ok(end(c.param("app_id"))));
    }

    /** Serialised: two rotations at once must not both keep the same "old" key. */
    synchronized Map<String, Object> rotate(String appId, Long overlapSeconds) {
        AppRecord a = find(appId);
        String key;
        do {
            key = ids.ids().appKey();
        } while (key.equals(a.appKey()));
        Long until = overlapSeconds == null ? null : clock.epochSeconds() + overlapSeconds;
        admin.updateApp(new AppRecord(
                a.appId(),
                key,
                a.appKey(),
                until,
                a.name(),
                a.tier(),
                a.redirectUris(),
                a.scopes(),
                a.disabled(),
                a.autoConsentUser(),
                a.quotaOverrides(),
                a.createdAt()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app_id", a.appId());
        m.put("app_key", key);
        m.put("old_key_valid_until", until);
        return m;
    }

    synchronized Map<String, Object> end(String appId) {
        AppRecord a = find(appId);
        admin.updateApp(new AppRecord(
                a.appId(),
                a.appKey(),
                null,
                null,
                a.name(),
                a.tier(),
                a.redirectUris(),
                a.scopes(),
                a.disabled(),
                a.autoConsentUser(),
                a.quotaOverrides(),
                a.createdAt()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app_id", a.appId());
        return m;
    }

    private AppRecord find(String appId) {
        return admin.app(appId);
    }

    /**
     * The rotation state shown by {@code GET /admin/v1/apps/:app_id}: null when only the current key works, else
     * {@code {"old_key_valid_until": <epoch seconds> | null}} (null = until the operator ends it).
     */
    public static Map<String, Object> state(AppRecord a, long nowSeconds) {
        if (a.oldAppKey() == null || (a.oldKeyValidUntil() != null && nowSeconds >= a.oldKeyValidUntil())) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("old_key_valid_until", a.oldKeyValidUntil());
        return m;
    }
}
