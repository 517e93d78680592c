package io.yundoc.server.files;

import io.yundoc.protocol.Hex;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.ServerClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The paged listings of api.md §5.1: one sequence of segments (groups, folders, files), each sorted by the order
 * key with ties broken by id, paged by key. {@code next_offset} is an issued cursor: a row remembering the position
 * after the last item handed out, so items present during the whole listing come exactly once however many are
 * inserted or deleted meanwhile. Issued values live in {@code [2^50, 2^53)}, out of reach of any plain position
 * and still exact in a JavaScript number; anything smaller is a plain position.
 */
public final class ListingStore {
    static final long CURSOR_SPAN = (1L << 53) - Listing.CURSOR_BASE;
    static final long CURSOR_TTL = 2 * 3600;
    /** Live items of the user's personal space. */
    private static final String LIVE_MINE = "f.space = 'personal' AND f.owner_id = :u AND f.deleted_at IS NULL";
    /** Live descendants of {@code :root} (recursive; portable between SQLite and PostgreSQL). */
    private static final String SUBTREE = "f.file_id IN (WITH RECURSIVE sub(id) AS (SELECT CAST(:root AS TEXT) "
            + "UNION ALL SELECT c.file_id FROM files c JOIN sub ON c.parent_id = sub.id WHERE c.deleted_at IS NULL) "
            + "SELECT id FROM sub)";

    /**
     * One listing request. {@code where} is an SQL condition on {@code f} (the files row) with its binds;
     * {@code mixed} puts folders and files in one segment (searches, which order by time alone).
     */
    public record Spec(
            String userId,
            String where,
            Map<String, Object> binds,
            List<Listing.Segment> segments,
            boolean mixed,
            Listing.OrderBy orderBy,
            boolean desc,
            int count,
            long offset,
            Listing.Segment filter,
            String paramsKey) {}

    private final Jdbi jdbi;
    private final ServerClock clock;
    private final SecureRandom random = new SecureRandom();

    public ListingStore(Jdbi jdbi, ServerClock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Which rows a listing shows: an SQL condition on {@code f} (the files row) with its binds. */
    public record Where(String sql, Map<String, Object> binds) {}

    /** Live items directly in the user's folder. */
    public static Where children(String userId, String parentId) {
        return new Where(LIVE_MINE + " AND f.parent_id = :parent", Map.of("u", userId, "parent", parentId));
    }

    /** The user's live files (not the root), of any of the extensions (lower case, without dot; empty = all items). */
    public static Where everything(String userId, List<String> extensions) {
        Map<String, Object> binds = new HashMap<>();
        binds.put("u", userId);
        StringBuilder where = new StringBuilder(LIVE_MINE + " AND f.kind <> 'root'");
        List<String> ors = new ArrayList<>();
        for (String ext : extensions) {
            binds.put("ext" + ors.size(), "%." + likeEscape(ext));
            ors.add("f.name_key LIKE :ext" + ors.size() + " ESCAPE '!'");
        }
        if (!ors.isEmpty()) {
            where.append(" AND f.kind = 'file' AND (")
                    .append(String.join(" OR ", ors))
                    .append(")");
        }
        return new Where(where.toString(), binds);
    }

    /** The user's live app folders ({@code 应用/<app>}, kind {@code appdir}) wherever they are. */
    public static Where appFolders(String userId) {
        return new Where(LIVE_MINE + " AND f.kind = 'appdir'", Map.of("u", userId));
    }

    /** The user's live files. */
    public static Where files(String userId) {
        return new Where(LIVE_MINE + " AND f.kind = 'file'", Map.of("u", userId));
    }

    /** Live items below {@code rootId} whose name key contains {@code nameKey}. */
    public static Where namesBelow(String userId, String rootId, String nameKey) {
        return new Where(
                LIVE_MINE + " AND f.file_id <> :root AND " + SUBTREE + " AND f.name_key LIKE :pat ESCAPE '!'",
                Map.of("u", userId, "root", rootId, "pat", "%" + likeEscape(nameKey) + "%"));
    }

    /** Live files below {@code rootId} that also meet {@code match} (a content-index condition). */
    public static Where filesBelow(String userId, String rootId, Where match) {
        Map<String, Object> binds = new HashMap<>(match.binds());
        binds.put("u", userId);
        binds.put("root", rootId);
        return new Where(LIVE_MINE + " AND f.kind = 'file' AND " + SUBTREE + " AND " + match.sql(), binds);
    }

    static String likeEscape(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private record Cursor(int seg, Long sortInt, String sortText, String lastId) {}

    public Listing.Page page(Spec s) {
        return jdbi.withHandle(h -> {
            String segExpr = s.mixed() ? "1" : "(CASE WHEN f.kind = 'file' THEN 2 ELSE 1 END)";
            String sortExpr = switch (s.orderBy()) {
                case MTIME -> "f.mtime";
                case FSIZE -> "(CASE WHEN f.kind = 'file' THEN f.size ELSE 0 END)";
                case FNAME -> "f.name_key";
            };
            StringBuilder segFilter = new StringBuilder();
            if (!s.mixed()) {
                List<String> kinds = new ArrayList<>();
                if (s.segments().contains(Listing.Segment.FOLDER)) {
                    kinds.add("f.kind IN ('folder', 'appdir')");
                }
                if (s.segments().contains(Listing.Segment.FILE)) {
                    kinds.add("f.kind = 'file'");
                }
                segFilter.append(kinds.isEmpty() ? " AND 1 = 0" : " AND (" + String.join(" OR ", kinds) + ")");
            }
            String base = "FROM files f WHERE (" + s.where() + ")" + segFilter;
            String dir = s.desc() ? "DESC" : "ASC";
            String cmp = s.desc() ? "<" : ">";
            String order = " ORDER BY " + segExpr + " ASC, " + sortExpr + " " + dir + ", f.file_id ASC";
            List<FileRecord> rows;
            if (Listing.issued(s.offset())) {
                // Two index range reads instead of one OR-condition: the rest of the cursor's segment (its order
                // key bounded, so the read seeks to the cursor), then the segments after it. Within one segment
                // the order leaves out the constant segment, so the listing indexes (V13) serve it without a sort.
                Cursor c = loadCursor(h, s);
                Query same = h.createQuery("SELECT f.* " + base + " AND " + segExpr + " = :c_seg AND " + sortExpr + " "
                                + cmp
                                + "= :c_sort AND (" + sortExpr + " " + cmp + " :c_sort OR f.file_id > :c_id) ORDER BY "
                                + sortExpr + " " + dir + ", f.file_id ASC LIMIT :lim")
                        .bind("c_seg", c.seg())
                        .bind("c_id", c.lastId())
                        .bind("lim", s.count() + 1);
                if (s.orderBy() == Listing.OrderBy.FNAME) {
                    same.bind("c_sort", c.sortText());
                } else {
                    same.bind("c_sort", c.sortInt());
                }
                s.binds().forEach(same::bind);
                rows = new ArrayList<>(same.map((rs, ctx) -> FileStore.map(rs)).list());
                if (rows.size() <= s.count()) {
                    Query later = h.createQuery(
                                    "SELECT f.* " + base + " AND " + segExpr + " > :c_seg" + order + " LIMIT :lim")
                            .bind("c_seg", c.seg())
                            .bind("lim", s.count() + 1 - rows.size());
                    s.binds().forEach(later::bind);
                    rows.addAll(later.map((rs, ctx) -> FileStore.map(rs)).list());
                }
            } else {
                long start = s.offset();
                if (s.filter() != null && !s.mixed()) {
                    Query cq = h.createQuery("SELECT COUNT(*) " + base + " AND " + segExpr + " < :fr")
                            .bind("fr", s.filter().rank);
                    s.binds().forEach(cq::bind);
                    start = Math.max(start, cq.mapTo(Long.class).one());
                }
                Query q = h.createQuery("SELECT f.* " + base + order + " LIMIT :lim OFFSET :off")
                        .bind("off", start);
                s.binds().forEach(q::bind);
                rows = q.bind("lim", s.count() + 1)
                        .map((rs, ctx) -> FileStore.map(rs))
                        .list();
            }
            if (rows.size() <= s.count()) {
                return new Listing.Page(rows, -1, "");
            }
            List<FileRecord> page = new ArrayList<>(rows.subList(0, s.count()));
            FileRecord last = page.get(page.size() - 1);
            FileRecord next = rows.get(s.count());
            long id = issue(h, s, last);
            return new Listing.Page(page, id, segmentOf(next).wire());
        });
    }

    private static Listing.Segment segmentOf(FileRecord f) {
        return f.isFolder() ? Listing.Segment.FOLDER : Listing.Segment.FILE;
    }

    private static int rankOf(FileRecord f, boolean mixed) {
        return mixed ? 1 : (f.isFolder() ? Listing.Segment.FOLDER.rank : Listing.Segment.FILE.rank);
    }

    private Cursor loadCursor(Handle h, Spec s) {
        long now = clock.epochSeconds();
        return h.createQuery("SELECT user_id, params, seg, sort_int, sort_text, last_id, expires_at FROM list_cursors "
                        + "WHERE cursor_id = :id")
                .bind("id", s.offset())
                .map((rs, ctx) -> {
                    boolean mine = rs.getString("user_id").equals(s.userId())
                            && rs.getString("params").equals(key(s))
                            && rs.getLong("expires_at") > now;
                    long si = rs.getLong("sort_int");
                    Long sortInt = rs.wasNull() ? null : si;
                    return mine
                            ? new Cursor(rs.getInt("seg"), sortInt, rs.getString("sort_text"), rs.getString("last_id"))
                            : null;
                })
                .findOne()
                .filter(Objects::nonNull)
                .orElseThrow(() -> ApiException.invalid("offset expired"));
    }

    private long issue(Handle h, Spec s, FileRecord last) {
        long now = clock.epochSeconds();
        h.createUpdate("DELETE FROM list_cursors WHERE expires_at <= :now")
                .bind("now", now)
                .execute();
        long id = Listing.CURSOR_BASE + random.nextLong(CURSOR_SPAN);
        Long sortInt = switch (s.orderBy()) {
            case MTIME -> last.mtime();
            case FSIZE -> last.isFolder() ? 0L : last.size();
            case FNAME -> null;
        };
        h.createUpdate(
                        "INSERT INTO list_cursors (cursor_id, user_id, params, seg, sort_int, sort_text, last_id, expires_at) "
                                + "VALUES (:id, :u, :p, :seg, :si, :st, :last, :exp)")
                .bind("id", id)
                .bind("u", s.userId())
                .bind("p", key(s))
                .bind("seg", rankOf(last, s.mixed()))
                .bind("si", sortInt)
                .bind("st", s.orderBy() == Listing.OrderBy.FNAME ? FileNames.key(last.name()) : null)
                .bind("last", last.fileId())
                .bind("exp", now + CURSOR_TTL)
                .execute();
        return id;
    }

    /** What a cursor is bound to besides the user: endpoint, scope, order. Hashed to keep rows small. */
    private static String key(Spec s) {
        String raw = s.paramsKey() + "|" + s.orderBy() + "|" + s.desc() + "|" + s.segments() + "|" + s.mixed();
        return Hex.sha256(raw.getBytes(StandardCharsets.UTF_8));
    }
}
