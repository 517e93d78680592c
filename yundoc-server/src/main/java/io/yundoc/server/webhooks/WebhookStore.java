package io.yundoc.server.webhooks;

import io.yundoc.server.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The {@code webhooks} (subscriptions) and {@code webhook_deliveries} (the outbox) tables. */
final class WebhookStore {
    private final Jdbi jdbi;
    private final boolean postgres;

    private static final String SUB_COLUMNS =
            "webhook_id, file_id, app_id, user_id, event, sheet_id, view_id, callback_url, "
                    + "field_ids, record_ids, ctime";

    WebhookStore(Jdbi jdbi, boolean postgres) {
        this.jdbi = jdbi;
        this.postgres = postgres;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** A subscription. {@code fieldIds}, {@code recordIds}: the id lists of the cells events, else empty. */
    record Subscription(
            String webhookId,
            String fileId,
            String appId,
            String userId,
            String event,
            int sheetId,
            String viewId,
            String callbackUrl,
            List<String> fieldIds,
            List<String> recordIds,
            long ctime) {}

    /** A delivery as the dispatcher claims it. */
    record Claimed(
            String deliveryId, String webhookId, String appId, String callbackUrl, String payload, int attempts) {}

    private static Subscription map(ResultSet rs) throws SQLException {
        return new Subscription(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getInt(6),
                rs.getString(7),
                rs.getString(8),
                strings(rs.getString(9)),
                strings(rs.getString(10)),
                rs.getLong(11));
    }

    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        try {
            Json.MAPPER.readTree(json).forEach(n -> out.add(n.asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static void insert(Handle h, Subscription s) {
        h.createUpdate("INSERT INTO webhooks (" + SUB_COLUMNS
                        + ", next_seq) VALUES (:id, :f, :a, :u, :e, :s, :v, :url, :fi, :ri, :t, 1)")
                .bind("id", s.webhookId())
                .bind("f", s.fileId())
                .bind("a", s.appId())
                .bind("u", s.userId())
                .bind("e", s.event())
                .bind("s", s.sheetId())
                .bind("v", s.viewId())
                .bind("url", s.callbackUrl())
                .bind("fi", Json.writeString(s.fieldIds()))
                .bind("ri", Json.writeString(s.recordIds()))
                .bind("t", s.ctime())
                .execute();
    }

    static int countOnFile(Handle h, String fileId) {
        return h.createQuery("SELECT COUNT(*) FROM webhooks WHERE file_id = :f")
                .bind("f", fileId)
                .mapTo(Integer.class)
                .one();
    }

    static List<Subscription> onFile(Handle h, String fileId) {
        return h.createQuery(
                        "SELECT " + SUB_COLUMNS + " FROM webhooks WHERE file_id = :f ORDER BY ctime DESC, webhook_id")
                .bind("f", fileId)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    static List<Subscription> onSheet(Handle h, String fileId, int sheetId) {
        return h.createQuery("SELECT " + SUB_COLUMNS
                        + " FROM webhooks WHERE file_id = :f AND sheet_id = :s ORDER BY ctime, webhook_id")
                .bind("f", fileId)
                .bind("s", sheetId)
                .map((rs, ctx) -> map(rs))
                .list();
    }

    static Optional<Subscription> find(Handle h, String webhookId) {
        return h.createQuery("SELECT " + SUB_COLUMNS + " FROM webhooks WHERE webhook_id = :id")
                .bind("id", webhookId)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    static void delete(Handle h, String webhookId) {
        h.createUpdate("DELETE FROM webhooks WHERE webhook_id = :id")
                .bind("id", webhookId)
                .execute();
    }

    /** The next delivery number of a subscription; the update holds its row, so numbers follow commit order. */
    static long takeSeq(Handle h, String webhookId) {
        h.createUpdate("UPDATE webhooks SET next_seq = next_seq + 1 WHERE webhook_id = :id")
                .bind("id", webhookId)
                .execute();
        return h.createQuery("SELECT next_seq - 1 FROM webhooks WHERE webhook_id = :id")
                .bind("id", webhookId)
                .mapTo(Long.class)
                .one();
    }

    /** The subscribing user's open_id as the subscribing app knows it (its union_id when the app never saw one). */
    static String openId(Handle h, String appId, String userId) {
        return h.createQuery("SELECT open_id FROM user_open_ids WHERE app_id = :a AND user_id = :u")
                .bind("a", appId)
                .bind("u", userId)
                .mapTo(String.class)
                .findOne()
                .or(() -> h.createQuery("SELECT union_id FROM users WHERE user_id = :u")
                        .bind("u", userId)
                        .mapTo(String.class)
                        .findOne())
                .orElse("");
    }

    static void enqueue(
            Handle h, String deliveryId, Subscription s, long seq, String event, String payload, long nowMillis) {
        h.createUpdate(
                        "INSERT INTO webhook_deliveries (delivery_id, webhook_id, seq, app_id, callback_url, event, payload, state, "
                                + "attempts, due_at, created_at) VALUES (:d, :w, :q, :a, :u, :e, :p, 'pending', 0, :t, :t)")
                .bind("d", deliveryId)
                .bind("w", s.webhookId())
                .bind("q", seq)
                .bind("a", s.appId())
                .bind("u", s.callbackUrl())
                .bind("e", event)
                .bind("p", payload)
                .bind("t", nowMillis)
                .execute();
    }

    /**
     * Claims up to {@code limit} deliveries that are due, unclaimed (or whose claim expired), and first in their
     * subscription's line, until {@code claimUntil} (wall clock). On PostgreSQL the candidates are locked with
     * {@code FOR UPDATE SKIP LOCKED}, so instances polling at once take different rows; on SQLite the transaction
     * holds the write lock.
     */
    List<Claimed> claim(long nowMillis, long wallMillis, long claimUntil, String instance, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        // a plain read first: an idle outbox costs no write transaction (SQLite's write lock) per poll
        boolean due = jdbi.withHandle(
                h -> h.createQuery("SELECT 1 FROM webhook_deliveries WHERE state = 'pending' AND due_at <= :now "
                                + "AND (claimed_until IS NULL OR claimed_until < :wall) LIMIT 1")
                        .bind("now", nowMillis)
                        .bind("wall", wallMillis)
                        .mapTo(Integer.class)
                        .findOne()
                        .isPresent());
        if (!due) {
            return List.of();
        }
        return jdbi.inTransaction(h -> {
            List<Claimed> rows = h.createQuery(
                            "SELECT d.delivery_id, d.webhook_id, d.app_id, d.callback_url, d.payload, d.attempts "
                                    + "FROM webhook_deliveries d WHERE d.state = 'pending' AND d.due_at <= :now "
                                    + "AND (d.claimed_until IS NULL OR d.claimed_until < :wall) "
                                    + "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id "
                                    + "AND e.state = 'pending' AND e.seq < d.seq) "
                                    + "ORDER BY d.due_at, d.delivery_id LIMIT :n"
                                    + (postgres ? " FOR UPDATE SKIP LOCKED" : ""))
                    .bind("now", nowMillis)
                    .bind("wall", wallMillis)
                    .bind("n", limit)
                    .map((rs, ctx) -> new Claimed(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getInt(6)))
                    .list();
            for (Claimed c : rows) {
                h.createUpdate(
                                "UPDATE webhook_deliveries SET claimed_until = :u, claimed_by = :i WHERE delivery_id = :d")
                        .bind("u", claimUntil)
                        .bind("i", instance)
                        .bind("d", c.deliveryId())
                        .execute();
            }
            return rows;
        });
    }

    /** Ends a delivery this instance holds: delivered, or failed (given up). False when its claim was lost. */
    boolean finish(
            String deliveryId,
            String instance,
            String state,
            int attempts,
            Integer status,
            String error,
            String body,
            long nowMillis) {
        return jdbi.withHandle(
                h -> h.createUpdate("UPDATE webhook_deliveries SET state = :s, attempts = :a, last_status = :st, "
                                        + "last_error = :e, last_body = :b, finished_at = :t, claimed_until = NULL "
                                        + "WHERE delivery_id = :d AND claimed_by = :i AND state = 'pending'")
                                .bind("s", state)
                                .bind("a", attempts)
                                .bind("st", status)
                                .bind("e", error)
                                .bind("b", body)
                                .bind("t", nowMillis)
                                .bind("d", deliveryId)
                                .bind("i", instance)
                                .execute()
                        == 1);
    }

    /** Puts a delivery this instance holds back in line, due at {@code dueAt} (server clock). */
    boolean retry(
            String deliveryId, String instance, int attempts, Integer status, String error, String body, long dueAt) {
        return jdbi.withHandle(
                h -> h.createUpdate("UPDATE webhook_deliveries SET attempts = :a, last_status = :st, last_error = :e, "
                                        + "last_body = :b, due_at = :due, claimed_until = NULL, claimed_by = NULL "
                                        + "WHERE delivery_id = :d AND claimed_by = :i AND state = 'pending'")
                                .bind("a", attempts)
                                .bind("st", status)
                                .bind("e", error)
                                .bind("b", body)
                                .bind("due", dueAt)
                                .bind("d", deliveryId)
                                .bind("i", instance)
                                .execute()
                        == 1);
    }

    /** Embedded mode at start: this process is the only sender, so claims left by a killed predecessor are void. */
    void releaseAllClaims() {
        jdbi.useHandle(h -> h.createUpdate("UPDATE webhook_deliveries SET claimed_until = NULL, claimed_by = NULL "
                        + "WHERE state = 'pending' AND claimed_by IS NOT NULL")
                .execute());
    }

    long pending() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'")
                .mapTo(Long.class)
                .one());
    }

    /** Finished deliveries older than {@code before} (server clock) are forgotten. */
    int prune(long before) {
        return jdbi.withHandle(
                h -> h.createUpdate("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND finished_at < :t")
                        .bind("t", before)
                        .execute());
    }

    /** The most recent deliveries with their answers, newest first (the dev-mode list). */
    List<Map<String, Object>> recent(int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT delivery_id, webhook_id, event, callback_url, state, attempts, due_at, "
                                + "created_at, finished_at, last_status, last_error, last_body, payload, claimed_by FROM webhook_deliveries "
                                + "ORDER BY created_at DESC, seq DESC LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("delivery_id", rs.getString(1));
                    m.put("webhook_id", rs.getString(2));
                    m.put("event", rs.getString(3));
                    m.put("callback_url", rs.getString(4));
                    m.put("state", rs.getString(5));
                    m.put("attempts", rs.getInt(6));
                    m.put("due_at", rs.getLong(7) / 1000);
                    m.put("created_at", rs.getLong(8) / 1000);
                    long fin = rs.getLong(9);
                    m.put("finished_at", rs.wasNull() ? null : fin / 1000);
                    int st = rs.getInt(10);
                    m.put("last_status", rs.wasNull() ? null : st);
                    m.put("last_error", rs.getString(11));
                    m.put("last_body", rs.getString(12));
                    m.put("payload", rs.getString(13));
                    m.put("instance", rs.getString(14)); // the instance that sent (or is sending) it
                    return m;
                })
                .list());
    }

    /** Ends the subscriptions on a document removed for good; deliveries already in the outbox are still sent. */
    static int forgetDocument(Handle h, String fileId) {
        return h.createUpdate("DELETE FROM webhooks WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
    }

    /** Ends the subscriptions an app made with a user's authorization (the grant was revoked). */
    static int endGrant(Handle h, String appId, String userId) {
        return h.createUpdate("DELETE FROM webhooks WHERE app_id = :a AND user_id = :u")
                .bind("a", appId)
                .bind("u", userId)
                .execute();
    }
}
