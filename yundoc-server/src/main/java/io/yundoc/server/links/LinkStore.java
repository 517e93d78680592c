package io.yundoc.server.links;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ReadCache;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The {@code links} table. */
public final class LinkStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private final Jdbi jdbi;
    /** Links by file id (embedded mode; emptied by any write). */
    private final ReadCache.Region<String, LinkRecord> byFile;

    /** ext_perm_list has two possible values; parsed lists are kept by their text. */
    private static final Map<String, List<String>> EXT_PERMS = new ConcurrentHashMap<>();

    public LinkStore(Jdbi jdbi) {
        this(jdbi, ReadCache.disabled());
    }

    public LinkStore(Jdbi jdbi, ReadCache cache) {
        this.jdbi = jdbi;
        this.byFile = cache.region(100_000);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Optional<LinkRecord> byFile(String fileId) {
        return byFile((ReadCache.Reads) null, fileId);
    }

    /** {@link #byFile(String)}, possibly from the row cache under the call's {@code reads} (null: none). */
    public Optional<LinkRecord> byFile(ReadCache.Reads reads, String fileId) {
        Function<String, LinkRecord> load =
                id -> jdbi.withHandle(h -> byFile(h, id)).orElse(null);
        return Optional.ofNullable(reads == null ? byFile.get(fileId, load) : byFile.get(reads, fileId, load));
    }

    /** Plain JDBC with positional reads: links GET runs this on every call. */
    public static Optional<LinkRecord> byFile(Handle h, String fileId) {
        try (PreparedStatement ps = h.getConnection()
                .prepareStatement(
                        "SELECT file_id, sid, permission, ext_perm_list, status, expire_time, created_at FROM links WHERE file_id = ?")) {
            ps.setString(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LinkRecord(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        extPerms(rs.getString(4)),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getLong(7)));
            }
        } catch (SQLException e) {
            throw new ConnectionException(e);
        }
    }

    static List<String> extPerms(String json) throws SQLException {
        List<String> cached = EXT_PERMS.get(json);
        if (cached != null) {
            return cached;
        }
        try {
            List<String> parsed = List.copyOf(Json.MAPPER.readValue(json, STRINGS));
            if (EXT_PERMS.size() < 64) {
                EXT_PERMS.put(json, parsed);
            }
            return parsed;
        } catch (JsonProcessingException e) {
            throw new SQLException("corrupt link row", e);
        }
    }

    public Optional<LinkRecord> bySid(String sid) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM links WHERE sid = :s")
                .bind("s", sid)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    public static void upsert(Handle h, LinkRecord l) {
        h.createUpdate("""
                        INSERT INTO links (file_id, sid, permission, ext_perm_list, status, expire_time, created_at)
                        VALUES (:f, :sid, :perm, :ext, :status, :exp, :created)
                        ON CONFLICT (file_id) DO UPDATE SET sid = excluded.sid, permission = excluded.permission,
                            ext_perm_list = excluded.ext_perm_list, status = excluded.status, expire_time = excluded.expire_time""")
                .bind("f", l.fileId())
                .bind("sid", l.sid())
                .bind("perm", l.permission())
                .bind("ext", Json.writeString(l.extPermList()))
                .bind("status", l.status())
                .bind("exp", l.expireTime())
                .bind("created", l.createdAt())
                .execute();
    }

    static LinkRecord map(ResultSet rs) throws SQLException {
        return new LinkRecord(
                rs.getString("file_id"),
                rs.getString("sid"),
                rs.getString("permission"),
                extPerms(rs.getString("ext_perm_list")),
                rs.getString("status"),
                rs.getLong("expire_time"),
                rs.getLong("created_at"));
    }

    /** Makes the user a member of the file's link with this permission (or changes it). */
    public static void setMember(Handle h, String fileId, String userId, String permission) {
        h.createUpdate("INSERT INTO link_members (file_id, user_id, permission) VALUES (:f, :u, :p) "
                        + "ON CONFLICT (file_id, user_id) DO UPDATE SET permission = excluded.permission")
                .bind("f", fileId)
                .bind("u", userId)
                .bind("p", permission)
                .execute();
    }

    /** A named member of a file's link, with what the owner sees of them (api.md §5.7). */
    public record Member(String userId, String unionId, String nickname, String permission) {}

    /** The members of the file's link, by nickname then id. */
    public static List<Member> members(Handle h, String fileId) {
        return h.createQuery("SELECT m.user_id, u.union_id, u.nickname, m.permission FROM link_members m "
                        + "JOIN users u ON u.user_id = m.user_id WHERE m.file_id = :f ORDER BY u.nickname, m.user_id")
                .bind("f", fileId)
                .map((rs, ctx) -> new Member(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
    }

    /** Drops the file's link and its members; false when it had no link. */
    public static boolean deleteWithMembers(Handle h, String fileId) {
        int n = h.createUpdate("DELETE FROM links WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
        if (n == 0) {
            return false;
        }
        h.createUpdate("DELETE FROM link_members WHERE file_id = :f")
                .bind("f", fileId)
                .execute();
        return true;
    }
}
