package io.yundoc.server.files;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ServerClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The personal drive beyond create/upload (api.md §5.3, §5.6): listings, rename, recycle bin, batch tasks.
 * Every change bumps the item's {@code mtime} and its internal version; every batch runs in one transaction, so
 * it either happens completely or not at all.
 */
public final class DriveService {
    public static final int MAX_BATCH = 100;
    private static final String LIVE_MINE = "f.space = 'personal' AND f.owner_id = :u AND f.deleted_at IS NULL";
    private final Jdbi jdbi;
    private final Listing listing;
    private final ServerClock clock;
    private final IdGenerator ids;
    private final ContentIndex index;

    public DriveService(Jdbi jdbi, Listing listing, ServerClock clock, IdGenerator ids, ContentIndex index) {
        this.jdbi = jdbi;
        this.listing = listing;
        this.clock = clock;
        this.ids = ids;
        this.index = index;
    }

    /** Paging parameters common to every listing, already validated. */
    public record Paging(int count, long offset, Listing.OrderBy orderBy, boolean desc, Listing.Segment filter,
                         List<Listing.Segment> ignore) {
    }

    // ---------------------------------------------------------------- listings

    public Listing.Page list(Principal p, String parentId, Paging pg) {
        FileRecord parent = jdbi.withHandle(h -> ownedFolder(h, p, parentId));
        return listing.page(spec(p, LIVE_MINE + " AND f.parent_id = :parent", Map.of("u", p.userId(), "parent", parent.fileId()),
                segments(pg, List.of(Listing.Segment.FOLDER, Listing.Segment.FILE)), false, pg, "list|" + parent.fileId()));
    }

    public Listing.Page flat(Principal p, List<String> exts, Paging pg) {
        Map<String, Object> binds = new HashMap<>();
        binds.put("u", p.userId());
        StringBuilder where = new StringBuilder(LIVE_MINE + " AND f.kind <> 'root'");
        List<Listing.Segment> segs = segments(pg, List.of(Listing.Segment.GROUP, Listing.Segment.FOLDER, Listing.Segment.FILE));
        List<String> normalized = new ArrayList<>();
        if (!exts.isEmpty()) {
            List<String> ors = new ArrayList<>();
            for (String e : exts) {
                String ext = e.startsWith(".") ? e.substring(1) : e;
                ext = ext.toLowerCase(Locale.ROOT);
                if (ext.isEmpty()) {
                    continue;
                }
                binds.put("ext" + ors.size(), "%." + likeEscape(ext));
                ors.add("f.name_key LIKE :ext" + ors.size() + " ESCAPE '!'");
                normalized.add(ext);
            }
            if (!ors.isEmpty()) {
                where.append(" AND f.kind = 'file' AND (").append(String.join(" OR ", ors)).append(")");
                segs = segs.stream().filter(s -> s != Listing.Segment.FOLDER).toList();
            }
        }
        return listing.page(spec(p, where.toString(), binds, segs, false, pg, "flat|" + normalized));
    }

    public Listing.Page apps(Principal p, String parentId, Paging pg) {
        Optional<FileRecord> dir = jdbi.withHandle(h -> FileStore.appDir(h, p.userId(), p.appId()));
        FileRecord parent = jdbi.withHandle(h -> inAppDir(h, p, dir.orElse(null), parentId));
        if (parent == null) {
            return new Listing.Page(List.of(), -1, "");
        }
        return listing.page(spec(p, LIVE_MINE + " AND f.parent_id = :parent", Map.of("u", p.userId(), "parent", parent.fileId()),
                segments(pg, List.of(Listing.Segment.FOLDER, Listing.Segment.FILE)), false, pg, "apps|" + parent.fileId()));
    }

    public Listing.Page recent(Principal p, int count, long offset) {
        Paging pg = new Paging(count, offset, Listing.OrderBy.MTIME, true, null, List.of());
        return listing.page(spec(p, LIVE_MINE + " AND f.kind = 'file'", Map.of("u", p.userId()), List.of(Listing.Segment.FILE),
                false, pg, "recent"));
    }

    public Listing.Page searchName(Principal p, String name, String parentId, int count, long offset) {
        if (name == null || name.isEmpty()) {
            throw ApiException.invalid("file_name is required");
        }
        Optional<FileRecord> dir = jdbi.withHandle(h -> FileStore.appDir(h, p.userId(), p.appId()));
        FileRecord parent = jdbi.withHandle(h -> inAppDir(h, p, dir.orElse(null), parentId));
        if (parent == null) {
            return new Listing.Page(List.of(), -1, "");
        }
        Paging pg = new Paging(count, offset, Listing.OrderBy.MTIME, true, null, List.of());
        Map<String, Object> binds = new HashMap<>(Map.of("u", p.userId(), "root", parent.fileId(),
                "pat", "%" + likeEscape(FileNames.key(name)) + "%"));
        return listing.page(spec(p, LIVE_MINE + " AND f.file_id <> :root AND " + SUBTREE + " AND f.name_key LIKE :pat ESCAPE '!'",
                binds, List.of(Listing.Segment.FOLDER, Listing.Segment.FILE), true, pg, "name|" + parent.fileId() + "|" + name));
    }

    /**
     * Name search for the owner's own session (the web drive): the API's rules (substring of the name key, newest
     * first) over the whole drive or below {@code parentId}, where a token is confined to its app folder.
     */
    public Listing.Page searchNameAnywhere(Principal p, String name, String parentId, int count, long offset) {
        if (name == null || name.isEmpty()) {
            throw ApiException.invalid("file_name is required");
        }
        FileRecord parent = jdbi.withHandle(h -> ownedFolder(h, p, parentId));
        Paging pg = new Paging(count, offset, Listing.OrderBy.MTIME, true, null, List.of());
        Map<String, Object> binds = new HashMap<>(Map.of("u", p.userId(), "root", parent.fileId(),
                "pat", "%" + likeEscape(FileNames.key(name)) + "%"));
        return listing.page(spec(p, LIVE_MINE + " AND f.file_id <> :root AND " + SUBTREE + " AND f.name_key LIKE :pat ESCAPE '!'",
                binds, List.of(Listing.Segment.FOLDER, Listing.Segment.FILE), true, pg, "name*|" + parent.fileId() + "|" + name));
    }

    public Listing.Page searchContent(Principal p, String content, String parentId, int count, long offset) {
        if (content == null || content.isEmpty()) {
            throw ApiException.invalid("content is required");
        }
        if (content.codePointCount(0, content.length()) > 100) {
            throw ApiException.invalid("content must be at most 100 characters");
        }
        FileRecord parent = jdbi.withHandle(h -> ownedFolder(h, p, parentId));
        Paging pg = new Paging(count, offset, Listing.OrderBy.MTIME, true, null, List.of());
        Map<String, Object> binds = new HashMap<>(Map.of("u", p.userId(), "root", parent.fileId()));
        String match = index.matchCondition(content, binds);
        return listing.page(spec(p, LIVE_MINE + " AND f.kind = 'file' AND " + SUBTREE + " AND " + match,
                binds, List.of(Listing.Segment.FILE), true, pg, "content|" + parent.fileId() + "|" + content));
    }

    /** Live descendants of {@code :root} (recursive; portable between SQLite and PostgreSQL). */
    private static final String SUBTREE = "f.file_id IN (WITH RECURSIVE sub(id) AS (SELECT CAST(:root AS TEXT) "
            + "UNION ALL SELECT c.file_id FROM files c JOIN sub ON c.parent_id = sub.id WHERE c.deleted_at IS NULL) "
            + "SELECT id FROM sub)";

    private Listing.Spec spec(Principal p, String where, Map<String, Object> binds, List<Listing.Segment> segs, boolean mixed,
                              Paging pg, String key) {
        return new Listing.Spec(p.userId(), where, binds, segs, mixed, pg.orderBy(), pg.desc(), pg.count(), pg.offset(),
                pg.filter(), key);
    }

    private static List<Listing.Segment> segments(Paging pg, List<Listing.Segment> all) {
        return all.stream().filter(s -> !pg.ignore().contains(s)).toList();
    }

    static String likeEscape(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    /** A live folder the user owns; null/"" /"0" = the root 我的文档. Unknown → 30012, a file → 10001. */
    FileRecord ownedFolder(Handle h, Principal p, String id) {
        if (id == null || id.isEmpty() || "0".equals(id)) {
            return FileStore.find(h, p.userRootId()).orElseThrow(() -> new IllegalStateException("user root missing"));
        }
        if (!io.yundoc.protocol.Ids.accepted(id)) {
            throw ApiException.notFound();
        }
        FileRecord f = FileStore.find(h, id).orElseThrow(ApiException::notFound);
        if (!f.live() || !FileRecord.PERSONAL.equals(f.space()) || !f.ownerId().equals(p.userId())) {
            throw ApiException.notFound();
        }
        if (!f.isFolder()) {
            throw ApiException.invalid("parent_id is a file");
        }
        return f;
    }

    /** The listing parent inside the app folder: default the app folder itself; outside → 10001; null if no folder yet. */
    private FileRecord inAppDir(Handle h, Principal p, FileRecord dir, String parentId) {
        if (parentId == null || parentId.isEmpty()) {
            return dir;
        }
        FileRecord parent = ownedFolder(h, p, parentId);
        if (dir == null || !within(h, parent, dir.fileId())) {
            throw ApiException.invalid("parent_id must lie inside the app folder");
        }
        return parent;
    }

    /** Whether {@code f} is {@code ancestorId} or lies below it. */
    static boolean within(Handle h, FileRecord f, String ancestorId) {
        FileRecord cur = f;
        for (int depth = 0; cur != null && depth < 10_000; depth++) {
            if (cur.fileId().equals(ancestorId)) {
                return true;
            }
            if (cur.parentId() == null || cur.parentId().isEmpty()) {
                return false;
            }
            cur = FileStore.find(h, cur.parentId()).orElse(null);
        }
        return false;
    }

    // ---------------------------------------------------------------- changes

    /**
     * A live personal item the caller may change: the owner's; a link member gets 10003; anyone else 30012.
     * The root folder cannot be changed (10001).
     */
    FileRecord changeable(Handle h, Principal p, String id) {
        if (!io.yundoc.protocol.Ids.accepted(id)) {
            throw ApiException.notFound();
        }
        FileRecord f = FileStore.find(h, id).orElseThrow(ApiException::notFound);
        if (!f.live() || !FileRecord.PERSONAL.equals(f.space())) {
            throw ApiException.notFound();
        }
        if (!f.ownerId().equals(p.userId())) {
            boolean member = !f.isFolder() && h.createQuery("SELECT COUNT(*) FROM link_members WHERE file_id = :f AND user_id = :u")
                    .bind("f", id).bind("u", p.userId()).mapTo(Integer.class).one() > 0;
            if (member) {
                throw ApiException.denied("only the owner may do this");
            }
            throw ApiException.notFound();
        }
        if ("root".equals(f.kind())) {
            throw ApiException.invalid("the root folder cannot be changed");
        }
        return f;
    }

    public FileRecord rename(Principal p, String id, String rawName) {
        String name = FileNames.validate(rawName);
        return jdbi.inTransaction(h -> {
            FileRecord f = changeable(h, p, id);
            if (f.name().equals(name)) {
                return f;
            }
            if (!f.isFolder() && !ContentTypes.extension(f.name()).equals(ContentTypes.extension(name))) {
                throw ApiException.invalid("a file must keep its extension ." + ContentTypes.extension(f.name()));
            }
            Optional<FileRecord> clash = FileStore.child(h, FileRecord.PERSONAL, p.userId(), f.parentId(), name);
            if (clash.isPresent() && !clash.get().fileId().equals(f.fileId())) {
                throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "name already used in the folder");
            }
            long now = clock.epochSeconds();
            h.createUpdate("UPDATE files SET name = :n, name_key = :k, mtime = :t, version = version + 1 WHERE file_id = :id")
                    .bind("n", name).bind("k", FileNames.key(name)).bind("t", now).bind("id", f.fileId()).execute();
            return bumped(h, f.fileId());
        });
    }

    /** Re-reads a changed row and records a version row for files, so each change is a version. */
    private static FileRecord bumped(Handle h, String id) {
        FileRecord f = FileStore.find(h, id).orElseThrow();
        if ("file".equals(f.kind())) {
            FileStore.insertVersion(h, f);
        }
        return f;
    }

    private static long bump(Handle h, String id, long now) {
        h.createUpdate("UPDATE files SET mtime = :t, version = version + 1 WHERE file_id = :id").bind("t", now).bind("id", id).execute();
        bumped(h, id);
        return now;
    }

    /** Validated batch ids: 1–100 after collapsing duplicates (order kept). */
    public static List<String> batchIds(List<String> raw, String field) {
        if (raw == null || raw.isEmpty()) {
            throw ApiException.invalid(field + " must hold 1 to " + MAX_BATCH + " ids");
        }
        Set<String> set = new LinkedHashSet<>(raw);
        if (set.size() > MAX_BATCH) {
            throw ApiException.invalid(field + " must hold at most " + MAX_BATCH + " ids");
        }
        return List.copyOf(set);
    }

    public void delete(Principal p, List<String> fileIds) {
        long now = clock.epochSeconds();
        jdbi.useTransaction(h -> {
            List<FileRecord> items = new ArrayList<>();
            for (String id : fileIds) {
                items.add(changeable(h, p, id));
            }
            for (FileRecord f : items) {
                if (FileStore.find(h, f.fileId()).orElseThrow().live()) { // not already trashed with a folder above it
                    bump(h, f.fileId(), now);
                    for (String d : subtree(h, f.fileId())) {
                        h.createUpdate("UPDATE files SET deleted_at = :t, trash_id = :top WHERE file_id = :id")
                                .bind("t", now).bind("top", f.fileId()).bind("id", d).execute();
                    }
                }
            }
        });
    }

    /** The item and all its live descendants, parents before children. */
    static List<String> subtree(Handle h, String rootId) {
        List<String> out = new ArrayList<>();
        out.add(rootId);
        for (int i = 0; i < out.size(); i++) {
            out.addAll(h.createQuery("SELECT file_id FROM files WHERE parent_id = :p AND deleted_at IS NULL ORDER BY file_id")
                    .bind("p", out.get(i)).mapTo(String.class).list());
        }
        return out;
    }

    public List<String> move(Principal p, List<String> fileIds, String parentId) {
        if (parentId == null || parentId.isEmpty()) {
            throw ApiException.invalid("parent_id is required");
        }
        long now = clock.epochSeconds();
        return jdbi.inTransaction(h -> {
            List<FileRecord> items = new ArrayList<>();
            for (String id : fileIds) {
                items.add(changeable(h, p, id));
            }
            FileRecord target = ownedFolder(h, p, parentId);
            String from = items.get(0).parentId();
            for (FileRecord f : items) {
                if (!f.parentId().equals(from)) {
                    throw ApiException.invalid("all files must be in one folder");
                }
                if (f.isFolder() && within(h, target, f.fileId())) {
                    throw ApiException.invalid("a folder cannot be moved into itself or its descendants");
                }
                FolderDepth.requireFits(h, target.fileId(), f);
            }
            if (target.fileId().equals(from)) {
                throw ApiException.invalid("parent_id must differ from the files' folder");
            }
            for (FileRecord f : items) {
                if (FileStore.child(h, FileRecord.PERSONAL, p.userId(), target.fileId(), f.name()).isPresent()) {
                    throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "name " + f.name() + " already used in the target folder");
                }
                h.createUpdate("UPDATE files SET parent_id = :p WHERE file_id = :id").bind("p", target.fileId())
                        .bind("id", f.fileId()).execute();
                bump(h, f.fileId(), now);
            }
            return items.stream().map(FileRecord::fileId).toList();
        });
    }

    public List<String> copy(Principal p, List<String> fileIds, String parentId) {
        long now = clock.epochSeconds();
        List<String> created = jdbi.inTransaction(h -> {
            List<FileRecord> items = new ArrayList<>();
            for (String id : fileIds) {
                items.add(changeable(h, p, id));
            }
            FileRecord target = parentId == null || parentId.isEmpty() ? null : ownedFolder(h, p, parentId);
            for (FileRecord f : items) {
                FolderDepth.requireFits(h, target != null ? target.fileId() : f.parentId(), f);
            }
            // snapshot every subtree first, so copying a folder into itself terminates
            List<List<FileRecord>> trees = new ArrayList<>();
            for (FileRecord f : items) {
                List<FileRecord> tree = new ArrayList<>();
                for (String id : subtree(h, f.fileId())) {
                    tree.add(FileStore.find(h, id).orElseThrow());
                }
                trees.add(tree);
            }
            List<String> out = new ArrayList<>();
            for (List<FileRecord> tree : trees) {
                Map<String, String> newIds = new HashMap<>();
                FileRecord top = tree.get(0);
                String dest = target != null ? target.fileId() : top.parentId();
                for (FileRecord f : tree) {
                    String newId = ids.fileToken();
                    newIds.put(f.fileId(), newId);
                    boolean isTop = f == top;
                    String parent = isTop ? dest : newIds.get(f.parentId());
                    String name = isTop ? FileService.freeName(h, FileRecord.PERSONAL, p.userId(), dest, f.name()) : f.name();
                    String kind = "file".equals(f.kind()) ? "file" : "folder";
                    FileStore.insert(h, new FileRecord(newId, FileRecord.PERSONAL, p.userId(), parent, name, kind, f.size(),
                            f.blobKey(), f.contentType(), 1, null, null, p.appId(), now, now, null, null, null, null));
                    if ("file".equals(kind)) {
                        index.enqueue(h, newId, now);
                    }
                }
                out.add(newIds.get(top.fileId()));
            }
            return out;
        });
        index.wake();
        return created;
    }

    // ---------------------------------------------------------------- recycle bin

    public List<FileRecord> recycles(Principal p, int count, long offset) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM files f WHERE f.space = 'personal' AND f.owner_id = :u "
                        + "AND f.deleted_at IS NOT NULL AND f.trash_id = f.file_id ORDER BY f.deleted_at DESC, f.file_id ASC "
                        + "LIMIT :lim OFFSET :off")
                .bind("u", p.userId()).bind("lim", count).bind("off", offset).map((rs, ctx) -> FileStore.map(rs)).list());
    }

    public void recover(Principal p, List<String> tokens) {
        long now = clock.epochSeconds();
        jdbi.useTransaction(h -> {
            List<FileRecord> items = new ArrayList<>();
            for (String id : tokens) {
                if (!io.yundoc.protocol.Ids.accepted(id)) {
                    throw ApiException.notFound();
                }
                FileRecord f = FileStore.find(h, id).orElseThrow(ApiException::notFound);
                if (f.live() || !FileRecord.PERSONAL.equals(f.space()) || !f.ownerId().equals(p.userId())
                        || !f.fileId().equals(trashId(h, f.fileId()))) {
                    throw new ApiException(ErrorCode.FILE_NOT_EXISTS, "file " + id + " is not in the recycle bin");
                }
                items.add(f);
            }
            for (FileRecord f : items) {
                Optional<FileRecord> parent = f.parentId() == null ? Optional.empty()
                        : FileStore.find(h, f.parentId()).filter(FileRecord::live);
                String dest = parent.map(FileRecord::fileId).orElse(p.userRootId());
                FolderDepth.requireFits(h, dest, f); // the old parent may have moved deeper while f was in the bin
                String name = FileService.freeName(h, FileRecord.PERSONAL, p.userId(), dest, f.name());
                String kind = f.kind();
                if ("appdir".equals(kind) && FileStore.appDir(h, p.userId(), f.appId()).isPresent()) {
                    kind = "folder"; // a newer app folder took over; this one comes back as a plain folder
                }
                // rename while still in the bin, so the unique-name index never sees two live equal names
                h.createUpdate("UPDATE files SET parent_id = :p, name = :n, name_key = :k, kind = :kind WHERE file_id = :id")
                        .bind("p", dest).bind("n", name).bind("k", FileNames.key(name)).bind("kind", kind)
                        .bind("id", f.fileId()).execute();
                h.createUpdate("UPDATE files SET deleted_at = NULL, trash_id = NULL WHERE trash_id = :t")
                        .bind("t", f.fileId()).execute();
                bump(h, f.fileId(), now);
            }
        });
    }

    /**
     * Permanently removes recycle-bin items (admin {@code POST /recycles/purge}): of one user or all, deleted more
     * than {@code olderThanDays} ago (0 = everything in the bin). Their rows, versions, links and index entries go
     * in one transaction; the bytes are left to the blob collector. Returns the number of top-level items purged.
     */
    public int purge(String userId, long olderThanDays) {
        return purgeOlderThan(userId, olderThanDays * 86_400);
    }

    /**
     * Removes for good the named recycle-bin items of the user (the web drive's per-item purge), in one transaction;
     * an id that is not a top-level item of their bin is 30012 and nothing is removed.
     */
    public int purgeItems(Principal p, List<String> tokens) {
        return jdbi.inTransaction(h -> {
            for (String id : tokens) {
                FileRecord f = io.yundoc.protocol.Ids.accepted(id) ? FileStore.find(h, id).orElse(null) : null;
                if (f == null || f.live() || !FileRecord.PERSONAL.equals(f.space()) || !f.ownerId().equals(p.userId())
                        || !f.fileId().equals(trashId(h, f.fileId()))) {
                    throw new ApiException(ErrorCode.FILE_NOT_EXISTS, "file " + id + " is not in the recycle bin");
                }
            }
            purgeTops(h, tokens);
            return tokens.size();
        });
    }

    /** Removes for good the recycle-bin items (with their content rows) deleted at least {@code seconds} ago. */
    public int purgeOlderThan(String userId, long seconds) {
        long cutoff = clock.epochSeconds() - seconds;
        return jdbi.inTransaction(h -> {
            List<String> tops = h.createQuery("SELECT file_id FROM files WHERE space = 'personal' AND deleted_at IS NOT NULL "
                            + "AND trash_id = file_id AND deleted_at <= :c" + (userId == null ? "" : " AND owner_id = :u"))
                    .bind("c", cutoff).bind("u", userId).mapTo(String.class).list();
            purgeTops(h, tops);
            return tops.size();
        });
    }

    private void purgeTops(Handle h, List<String> tops) {
        for (String top : tops) {
            List<String> rows = h.createQuery("SELECT file_id FROM files WHERE trash_id = :t").bind("t", top)
                    .mapTo(String.class).list();
            for (String id : rows) {
                index.forget(h, id);
                for (String table : List.of("file_versions", "links", "link_members")) {
                    h.createUpdate("DELETE FROM " + table + " WHERE file_id = :f").bind("f", id).execute();
                }
                h.createUpdate("DELETE FROM files WHERE file_id = :f").bind("f", id).execute();
            }
        }
    }

    private static String trashId(Handle h, String id) {
        return h.createQuery("SELECT trash_id FROM files WHERE file_id = :id").bind("id", id).mapTo(String.class).findOne().orElse(null);
    }
}
