package io.yundoc.server.files;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Ids;
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
    private final Jdbi jdbi;
    private final ListingStore listing;
    private final ServerClock clock;
    private final IdGenerator ids;
    private final ContentIndex index;
    private PurgeHooks purgeHooks = new PurgeHooks();

    private volatile ContentCopier contentCopier = (h, from, to) -> {};

    public DriveService(Jdbi jdbi, ListingStore listing, ServerClock clock, IdGenerator ids, ContentIndex index) {
        this.jdbi = jdbi;
        this.listing = listing;
        this.clock = clock;
        this.ids = ids;
        this.index = index;
    }

    /** Paging parameters common to every listing, already validated. */
    public record Paging(
            int count,
            long offset,
            Listing.OrderBy orderBy,
            boolean desc,
            Listing.Segment filter,
            List<Listing.Segment> ignore) {}

    // ---------------------------------------------------------------- listings

    public Listing.Page list(Principal p, String parentId, Paging pg) {
        FileRecord parent = jdbi.withHandle(h -> ownedFolder(h, p, parentId));
        return listing.page(spec(
                p,
                ListingStore.children(p.userId(), parent.fileId()),
                segments(pg, List.of(Listing.Segment.FOLDER, Listing.Segment.FILE)),
                false,
                pg,
                "list|" + parent.fileId()));
    }

    public Listing.Page flat(Principal p, List<String> exts, Paging pg) {
        List<Listing.Segment> segs =
                segments(pg, List.of(Listing.Segment.GROUP, Listing.Segment.FOLDER, Listing.Segment.FILE));
        List<String> normalized = new ArrayList<>();
        for (String e : exts) {
            String ext = (e.startsWith(".") ? e.substring(1) : e).toLowerCase(Locale.ROOT);
            if (!ext.isEmpty()) {
                normalized.add(ext);
            }
        }
        if (!normalized.isEmpty()) {
            segs = segs.stream().filter(s -> s != Listing.Segment.FOLDER).toList();
        }
        return listing.page(
                spec(p, ListingStore.everything(p.userId(), normalized), segs, false, pg, "flat|" + normalized));
    }

    public Listing.Page apps(Principal p, String parentId, Paging pg) {
        Optional<FileRecord> dir = jdbi.withHandle(h -> FileStore.appDir(h, p.userId(), p.appId()));
        FileRecord parent = jdbi.withHandle(h -> inAppDir(h, p, dir.orElse(null), parentId));
        if (parent == null) {
            return new Listing.Page(List.of(), -1, "");
        }
        return listing.page(spec(
                p,
                ListingStore.children(p.userId(), parent.fileId()),
                segments(pg, List.of(Listing.Segment.FOLDER, Listing.Segment.FILE)),
                false,
                pg,
                "apps|" + parent.fileId()));
    }

    /** The owner's app folders, one per app that stored files for them (the web drive's 应用 view), by name. */
    public Listing.Page appFolders(Principal p, int count, long offset) {
        Paging pg = new Paging(count, offset, Listing.OrderBy.FNAME, false, null, List.of());
        return listing.page(
                spec(p, ListingStore.appFolders(p.userId()), List.of(Listing.Segment.FOLDER), false, pg, "appdirs"));
    }

    public Listing.Page recent(Principal p, int count, long offset) {
        Paging pg = new Paging(count, offset, Listing.OrderBy.MTIME, true, null, List.of());
        return listing.page(
                spec(p, ListingStore.files(p.userId()), List.of(Listing.Segment.FILE), false, pg, "recent"));
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
        return listing.page(spec(
                p,
                ListingStore.namesBelow(p.userId(), parent.fileId(), FileNames.key(name)),
                List.of(Listing.Segment.FOLDER, Listing.Segment.FILE),
                true,
                pg,
                "name|" + parent.fileId() + "|" + name));
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
        return listing.page(spec(
                p,
                ListingStore.namesBelow(p.userId(), parent.fileId(), FileNames.key(name)),
                List.of(Listing.Segment.FOLDER, Listing.Segment.FILE),
                true,
                pg,
                "name*|" + parent.fileId() + "|" + name));
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
        Map<String, Object> matchBinds = new HashMap<>();
        String match = index.matchCondition(content, matchBinds);
        return listing.page(spec(
                p,
                ListingStore.filesBelow(p.userId(), parent.fileId(), new ListingStore.Where(match, matchBinds)),
                List.of(Listing.Segment.FILE),
                true,
                pg,
                "content|" + parent.fileId() + "|" + content));
    }

    private ListingStore.Spec spec(
            Principal p, ListingStore.Where where, List<Listing.Segment> segs, boolean mixed, Paging pg, String key) {
        return new ListingStore.Spec(
                p.userId(),
                where.sql(),
                where.binds(),
                segs,
                mixed,
                pg.orderBy(),
                pg.desc(),
                pg.count(),
                pg.offset(),
                pg.filter(),
                key);
    }

    private static List<Listing.Segment> segments(Paging pg, List<Listing.Segment> all) {
        return all.stream().filter(s -> !pg.ignore().contains(s)).toList();
    }

    /** A live folder the user owns; null/"" /"0" = the root 我的文档. Unknown → 30012, a file → 10001. */
    FileRecord ownedFolder(Handle h, Principal p, String id) {
        if (id == null || id.isEmpty() || "0".equals(id)) {
            return FileStore.find(h, p.userRootId()).orElseThrow(() -> new IllegalStateException("user root missing"));
        }
        if (!Ids.accepted(id)) {
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
        if (!Ids.accepted(id)) {
            throw ApiException.notFound();
        }
        FileRecord f = FileStore.find(h, id).orElseThrow(ApiException::notFound);
        if (!f.live() || !FileRecord.PERSONAL.equals(f.space())) {
            throw ApiException.notFound();
        }
        if (!f.ownerId().equals(p.userId())) {
            boolean member = !f.isFolder() && FileStore.isMember(h, id, p.userId());
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
            FileStore.rename(h, f.fileId(), name, now);
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
        FileStore.touch(h, id, now);
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
                        FileStore.trash(h, d, f.fileId(), now);
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
            out.addAll(FileStore.liveChildIds(h, out.get(i)));
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
                if (FileStore.child(h, FileRecord.PERSONAL, p.userId(), target.fileId(), f.name())
                        .isPresent()) {
                    throw new ApiException(
                            ErrorCode.FILE_NAME_CONFLICT, "name " + f.name() + " already used in the target folder");
                }
                FileStore.reparent(h, f.fileId(), target.fileId());
                bump(h, f.fileId(), now);
            }
            return items.stream().map(FileRecord::fileId).toList();
        });
    }

    /**
     * Copies what yundoc keeps of an online document besides its bytes (the tables of a {@code .dbt}, the cells and
     * tables of a {@code .ksheet}) to its copy, inside the copy's transaction.
     */
    public interface ContentCopier {
        void copy(Handle h, FileRecord from, String toFileId);
    }

    /** Who copies document content along with a copied file (the sheets and tables packages, wired by the server). */
    public void copyContentWith(ContentCopier copier) {
        this.contentCopier = copier;
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
                    boolean isTop = f.fileId().equals(top.fileId());
                    String parent = isTop ? dest : newIds.get(f.parentId());
                    String name =
                            isTop ? FileService.freeName(h, FileRecord.PERSONAL, p.userId(), dest, f.name()) : f.name();
                    String kind = "file".equals(f.kind()) ? "file" : "folder";
                    FileStore.insert(
                            h,
                            FileRecord.created(
                                    newId,
                                    FileRecord.PERSONAL,
                                    p.userId(),
                                    parent,
                                    name,
                                    kind,
                                    f.size(),
                                    f.blobKey(),
                                    f.contentType(),
                                    null,
                                    p.appId(),
                                    now));
                    if ("file".equals(kind)) {
                        index.enqueue(h, newId, now);
                        contentCopier.copy(h, f, newId);
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
        return jdbi.withHandle(h -> FileStore.recycleBin(h, p.userId(), count, offset));
    }

    public void recover(Principal p, List<String> tokens) {
        long now = clock.epochSeconds();
        jdbi.useTransaction(h -> {
            List<FileRecord> items = new ArrayList<>();
            for (String id : tokens) {
                if (!Ids.accepted(id)) {
                    throw ApiException.notFound();
                }
                FileRecord f = FileStore.find(h, id).orElseThrow(ApiException::notFound);
                if (f.live()
                        || !FileRecord.PERSONAL.equals(f.space())
                        || !f.ownerId().equals(p.userId())
                        || !f.fileId().equals(FileStore.trashId(h, f.fileId()))) {
                    throw new ApiException(ErrorCode.FILE_NOT_EXISTS, "file " + id + " is not in the recycle bin");
                }
                items.add(f);
            }
            for (FileRecord f : items) {
                Optional<FileRecord> parent = f.parentId() == null
                        ? Optional.empty()
                        : FileStore.find(h, f.parentId()).filter(FileRecord::live);
                String dest = parent.map(FileRecord::fileId).orElse(p.userRootId());
                FolderDepth.requireFits(h, dest, f); // the old parent may have moved deeper while f was in the bin
                String name = FileService.freeName(h, FileRecord.PERSONAL, p.userId(), dest, f.name());
                String kind = f.kind();
                if ("appdir".equals(kind)
                        && FileStore.appDir(h, p.userId(), f.appId()).isPresent()) {
                    kind = "folder"; // a newer app folder took over; this one comes back as a plain folder
                }
                FileStore.restore(h, f.fileId(), dest, name, kind);
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
                FileRecord f = Ids.accepted(id) ? FileStore.find(h, id).orElse(null) : null;
                if (f == null
                        || f.live()
                        || !FileRecord.PERSONAL.equals(f.space())
                        || !f.ownerId().equals(p.userId())
                        || !f.fileId().equals(FileStore.trashId(h, f.fileId()))) {
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
            List<String> tops = FileStore.binTopsBefore(h, userId, cutoff);
            purgeTops(h, tops);
            return tops.size();
        });
    }

    /** What else a purge removes with each file (ksheet content, webhook subscriptions). */
    public DriveService purgeHooks(PurgeHooks hooks) {
        this.purgeHooks = hooks;
        return this;
    }

    private void purgeTops(Handle h, List<String> tops) {
        for (String top : tops) {
            for (String id : FileStore.trashedWith(h, top)) {
                index.forget(h, id);
                purgeHooks.run(h, id);
                FileStore.deleteForGood(h, id);
            }
        }
    }
}
