package io.yundoc.server.quota;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The {@code quota_usage} table: calls counted per app, endpoint and quota day. */
final class QuotaUsageStore {
    private QuotaUsageStore() {}

    /** One count: an app's calls of one endpoint on one quota day. */
    record Usage(String appId, String endpoint, String day, long used) {}

    /** Counts one call and returns the new count: one atomic upsert, exact across instances. */
    static long increment(Handle h, String appId, String endpoint, String day) {
        return h.createQuery(
                        "INSERT INTO quota_usage (app_id, endpoint, day, used) VALUES (:a, :e, :d, 1) "
                                + "ON CONFLICT (app_id, endpoint, day) DO UPDATE SET used = quota_usage.used + 1 RETURNING used")
                .bind("a", appId)
                .bind("e", endpoint)
                .bind("d", day)
                .mapTo(Long.class)
                .one();
    }

    /** The app's counts of the day by endpoint. */
    static Map<String, Long> usage(Handle h, String appId, String day) {
        Map<String, Long> out = new HashMap<>();
        h.createQuery("SELECT endpoint, used FROM quota_usage WHERE app_id = :a AND day = :d")
                .bind("a", appId)
                .bind("d", day)
                .map((rs, ctx) -> out.put(rs.getString(1), rs.getLong(2)))
                .list();
        return out;
    }

    static List<Usage> all(Handle h) {
        return h.createQuery("SELECT app_id, endpoint, day, used FROM quota_usage")
                .map((rs, ctx) -> new Usage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .list();
    }

    /** Sets these counts, in one batch. */
    static void setAll(Handle h, List<Usage> counts) {
        var batch = h.prepareBatch("INSERT INTO quota_usage (app_id, endpoint, day, used) VALUES (:a, :e, :d, :u) "
                + "ON CONFLICT (app_id, endpoint, day) DO UPDATE SET used = excluded.used");
        counts.forEach(u -> batch.bind("a", u.appId())
                .bind("e", u.endpoint())
                .bind("d", u.day())
                .bind("u", u.used())
                .add());
        batch.execute();
    }
}
