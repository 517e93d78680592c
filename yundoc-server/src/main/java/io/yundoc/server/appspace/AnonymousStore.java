package io.yundoc.server.appspace;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The tables of anonymous preview (api-families.md §F4, migration V11): {@code anon_previews}, one row per task, and
 * {@code anon_tokens}, the tokens of a task stored as SHA-256 hashes.
 */
public final class AnonymousStore {
    private AnonymousStore() {}

    /** A task: the file it shows, whether that file is the task's private copy, whether its page offers a download. */
    public record Preview(
            String taskId, String appId, String fileId, boolean privateCopy, boolean download, long createdAt) {}

    /** A token row; {@code expiresAt} in epoch milliseconds. */
    public record Token(String tokenHash, String taskId, String appId, String nonce, long expiresAt, boolean ended) {
        boolean live(long nowMillis) {
            return !ended && expiresAt > nowMillis;
        }
    }

    static void insertPreview(Handle h, Preview p) {
        h.createUpdate("""
                        INSERT INTO anon_previews (task_id, app_id, file_id, private_copy, download, created_at)
                        VALUES (:t, :a, :f, :p, :d, :c)""")
                .bind("t", p.taskId())
                .bind("a", p.appId())
                .bind("f", p.fileId())
                .bind("p", p.privateCopy() ? 1 : 0)
                .bind("d", p.download() ? 1 : 0)
                .bind("c", p.createdAt())
                .execute();
    }

    static Optional<Preview> preview(Handle h, String taskId) {
        return h.createQuery(
                        "SELECT task_id, app_id, file_id, private_copy, download, created_at FROM anon_previews WHERE task_id = :t")
                .bind("t", taskId)
                .map((rs, ctx) -> new Preview(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4) != 0,
                        rs.getInt(5) != 0,
                        rs.getLong(6)))
                .findOne();
    }

    static void insertToken(Handle h, Token t) {
        h.createUpdate("""
                        INSERT INTO anon_tokens (token_hash, task_id, app_id, nonce, expires_at, ended)
                        VALUES (:h, :t, :a, :n, :e, 0)""")
                .bind("h", t.tokenHash())
                .bind("t", t.taskId())
                .bind("a", t.appId())
                .bind("n", t.nonce())
                .bind("e", t.expiresAt())
                .execute();
    }

    /** The token whose SHA-256 is {@code hash} (the lookup is by the hash: no comparison of secret bytes). */
    static Optional<Token> token(Handle h, String hash) {
        return h.createQuery(
                        "SELECT token_hash, task_id, app_id, nonce, expires_at, ended FROM anon_tokens WHERE token_hash = :h")
                .bind("h", hash)
                .map(AnonymousStore::token)
                .findOne();
    }

    /** The task's newest token (refreshing ends the older ones, so it is the only one that can still be live). */
    static Optional<Token> newestToken(Handle h, String taskId) {
        return h.createQuery("""
                        SELECT token_hash, task_id, app_id, nonce, expires_at, ended FROM anon_tokens WHERE task_id = :t
                        ORDER BY expires_at DESC LIMIT 1""").bind("t", taskId).map(AnonymousStore::token).findOne();
    }

    /** Ends a live token; false when it was no longer live (a concurrent refresh or cancel came first). */
    static boolean end(Handle h, String hash, long nowMillis) {
        return h.createUpdate(
                                "UPDATE anon_tokens SET ended = 1 WHERE token_hash = :h AND ended = 0 AND expires_at > :now")
                        .bind("h", hash)
                        .bind("now", nowMillis)
                        .execute()
                == 1;
    }

    /** A task none of whose tokens can still be used, with its private copy's blob (null for the appspace variant). */
    record Dead(String taskId, String fileId, boolean privateCopy, String blobKey) {}

    /** Up to {@code limit} tasks whose every token ended or expired before {@code nowMillis}. */
    static List<Dead> dead(Handle h, long nowMillis, int limit) {
        return h.createQuery("""
                        SELECT p.task_id, p.file_id, p.private_copy, f.blob_key FROM anon_previews p
                        LEFT JOIN files f ON f.file_id = p.file_id
                        WHERE NOT EXISTS (SELECT 1 FROM anon_tokens t WHERE t.task_id = p.task_id AND t.ended = 0
                                          AND t.expires_at > :now)
                        ORDER BY p.created_at LIMIT :limit""")
                .bind("now", nowMillis)
                .bind("limit", limit)
                .map((rs, ctx) -> new Dead(rs.getString(1), rs.getString(2), rs.getInt(3) != 0, rs.getString(4)))
                .list();
    }

    /** Forgets a dead task: its tokens, its row, and its private copy's files row (space {@code anon} only). */
    static void forget(Handle h, Dead d) {
        h.createUpdate("DELETE FROM anon_tokens WHERE task_id = :t")
                .bind("t", d.taskId())
                .execute();
        h.createUpdate("DELETE FROM anon_previews WHERE task_id = :t")
                .bind("t", d.taskId())
                .execute();
        if (d.privateCopy()) {
            h.createUpdate("DELETE FROM files WHERE file_id = :f AND space = :anon")
                    .bind("f", d.fileId())
                    .bind("anon", AppSpaceService.ANON)
                    .execute();
        }
    }

    /**
     * Forgets every task that shows the file (removed for good): its tokens and its row, in the caller's transaction.
     * Returns how many tasks.
     */
    static int forgetFile(Handle h, String fileId) {
        h.createUpdate(
                        "DELETE FROM anon_tokens WHERE task_id IN (SELECT task_id FROM anon_previews WHERE file_id = :f)")
                .bind("f", fileId)
                .execute();
        return h.createUpdate("DELETE FROM anon_previews WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
    }

    private static Token token(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Token(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getInt(6) != 0);
    }
}
