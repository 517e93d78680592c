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
    /**
     * The dispatcher's own statements on the outbox (claims, outcomes, counts): no cached row comes from it, so they
     * go around the read cache's write tracking, and sending does not invalidate every cached token and file.
     */
    private final Jdbi outbox;

    private final boolean postgres;

    /**
     * The heads of the subscriptions' lines: each subscription with pending deliveries, and its lowest pending
     * {@code seq}. A loose scan of the index {@code webhook_deliveries_line} (V15): one index seek per
     * subscription, however many deliveries a line holds or the outbox ever delivered.
     */
    private static final String HEADS = "WITH RECURSIVE lines(w) AS ("
            + "SELECT MIN(webhook_id) FROM webhook_deliveries WHERE state = 'pending' "
            + "UNION ALL SELECT (SELECT MIN(x.webhook_id) FROM webhook_deliveries x WHERE x.state = 'pending' "
            + "AND x.webhook_id > lines.w) FROM lines WHERE lines.w IS NOT NULL), "
            + "heads(w, s) AS (SELECT w, (SELECT MIN(y.seq) FROM webhook_deliveries y "
            + "WHERE y.state = 'pending' AND y.webhook_id = lines.w) FROM lines WHERE w IS NOT NULL) "
            + "SELECT d.delivery_id, d.webhook_id, d.seq, d.app_id, d.callback_url, d.payload, d.attempts "
            + "FROM heads JOIN webhook_deliveries d ON d.webhook_id = heads.w AND d.seq = heads.s "
            // written so no index can serve them: SQLite would otherwise walk every pending row by due_at per line
            + "WHERE d.state || '' = 'pending' AND d.due_at + 0 <= :now "
            + "AND (d.claimed_until IS NULL OR d.claimed_until < :wall) "
            + "ORDER BY d.due_at, d.delivery_id LIMIT :n";

    private static final String SUB_COLUMNS =
            "webhook_id, file_id, app_id, user_id, event, sheet_id, view_id, callback_url, "
                    + "field_ids, record_ids, ctime";

    WebhookStore(Jdbi jdbi, Jdbi outbox, boolean postgres) {
        this.jdbi = jdbi;
        this.outbox = outbox;
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
            String deliveryId,
            String webhookId,
            long seq,
            String appId,
            String callbackUrl,
            String payload,
            int attempts) {}

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

    private static Claimed claimed(ResultSet rs) throws SQLException {
        return new Claimed(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getInt(7));
    }

    /**
     * Claims up to {@code lines} subscriptions' lines until {@code claimUntil} (wall clock): a line is the
     * subscription's first pending delivery (when it is due and unclaimed, or its claim expired) and up to
     * {@code perLine - 1} deliveries right behind it, in {@code seq} order, to be sent one after the other. A line's
     * later deliveries are never another instance's to take while this one holds its head: only heads are claimed
     * fresh. On PostgreSQL the rows are locked with {@code FOR UPDATE SKIP LOCKED}, so instances polling at once take
     * different lines; on SQLite the transaction holds the write lock.
     */
    List<List<Claimed>> claim(
            long nowMillis, long wallMillis, long claimUntil, String instance, int lines, int perLine) {
        if (lines <= 0) {
            return List.of();
        }
        // a plain read first: an idle outbox costs no write transaction (SQLite's write lock) per poll
        boolean due = outbox.withHandle(
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
        return outbox.inTransaction(h -> {
            List<Claimed> heads = h.createQuery(HEADS + (postgres ? " FOR UPDATE OF d SKIP LOCKED" : ""))
                    .bind("now", nowMillis)
                    .bind("wall", wallMillis)
                    .bind("n", lines)
                    .map((rs, ctx) -> claimed(rs))
                    .list();
            List<List<Claimed>> out = new ArrayList<>();
            for (Claimed head : heads) {
                List<Claimed> line = new ArrayList<>();
                line.add(head);
                if (perLine > 1) {
                    List<Claimed> next = h.createQuery(
                                    "SELECT delivery_id, webhook_id, seq, app_id, callback_url, payload, attempts "
                                            + "FROM webhook_deliveries WHERE state = 'pending' AND webhook_id = :w "
                                            + "AND seq > :s AND due_at <= :now "
                                            + "AND (claimed_until IS NULL OR claimed_until < :wall) "
                                            + "ORDER BY seq LIMIT :n"
                                            + (postgres ? " FOR UPDATE SKIP LOCKED" : ""))
                            .bind("w", head.webhookId())
                            .bind("s", head.seq())
                            .bind("now", nowMillis)
                            .bind("wall", wallMillis)
                            .bind("n", perLine - 1)
                            .map((rs, ctx) -> claimed(rs))
                            .list();
                    // only the unbroken run right behind the head: a delivery after a gap is not next in line
                    for (Claimed c : next) {
                        if (c.seq() != line.get(line.size() - 1).seq() + 1) {
                            break;
                        }
                        line.add(c);
                    }
                }
                h.createUpdate("UPDATE webhook_deliveries SET claimed_until = :u, claimed_by = :i "
                                + "WHERE webhook_id = :w AND seq >= :a AND seq <= :b AND state = 'pending'")
                        .bind("u", claimUntil)
                        .bind("i", instance)
                        .bind("w", head.webhookId())
                        .bind("a", head.seq())
                        .bind("b", line.get(line.size() - 1).seq())
                        .execute();
                out.add(line);
            }
            return out;
        });
    }

    /**
     * What became of a claimed delivery: {@code state} delivered or failed (given up) ends it; null puts it back in
     * line, due at {@code dueAt} (server clock).
     */
    record Outcome(
            String deliveryId, String state, int attempts, Integer status, String error, String body, long dueAt) {}

    /**
     * Records a line's outcomes and lets go of the deliveries it did not try ({@code untried}), in one transaction.
     * An outcome counts only while this instance still holds the delivery; the answer says which did (same order).
     */
    boolean[] complete(String instance, List<Outcome> outcomes, List<String> untried, long nowMillis) {
        return outbox.inTransaction(h -> {
            boolean[] applied = new boolean[outcomes.size()];
            for (int i = 0; i < outcomes.size(); i++) {
                Outcome o = outcomes.get(i);
                if (o.state() != null) {
                    applied[i] = h.createUpdate(
                                            "UPDATE webhook_deliveries SET state = :s, attempts = :a, last_status = :st, "
                                                    + "last_error = :e, last_body = :b, finished_at = :t, claimed_until = NULL "
                                                    + "WHERE delivery_id = :d AND claimed_by = :i AND state = 'pending'")
                                    .bind("s", o.state())
                                    .bind("a", o.attempts())
                                    .bind("st", o.status())
                                    .bind("e", o.error())
                                    .bind("b", o.body())
                                    .bind("t", nowMillis)
                                    .bind("d", o.deliveryId())
                                    .bind("i", instance)
                                    .execute()
                            == 1;
                } else {
                    applied[i] = h.createUpdate(
                                            "UPDATE webhook_deliveries SET attempts = :a, last_status = :st, last_error = :e, "
                                                    + "last_body = :b, due_at = :due, claimed_until = NULL, claimed_by = NULL "
                                                    + "WHERE delivery_id = :d AND claimed_by = :i AND state = 'pending'")
                                    .bind("a", o.attempts())
                                    .bind("st", o.status())
                                    .bind("e", o.error())
                                    .bind("b", o.body())
                                    .bind("due", o.dueAt())
                                    .bind("d", o.deliveryId())
                                    .bind("i", instance)
                                    .execute()
                            == 1;
                }
            }
            for (String d : untried) {
                h.createUpdate("UPDATE webhook_deliveries SET claimed_until = NULL, claimed_by = NULL "
                                + "WHERE delivery_id = :d AND claimed_by = :i AND state = 'pending'")
                        .bind("d", d)
                        .bind("i", instance)
                        .execute();
            }
            return applied;
        });
    }

    /** Embedded mode at start: this process is the only sender, so claims left by a killed predecessor are void. */
    void releaseAllClaims() {
        outbox.useHandle(h -> h.createUpdate("UPDATE webhook_deliveries SET claimed_until = NULL, claimed_by = NULL "
                        + "WHERE state = 'pending' AND claimed_by IS NOT NULL")
                .execute());
    }

    long pending() {
        return outbox.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'")
                .mapTo(Long.class)
                .one());
    }

    /** Finished deliveries older than {@code before} (server clock) are forgotten. */
    int prune(long before) {
        return outbox.withHandle(
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
