package io.yundoc.server.files;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.core.ServerClock;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/** Rules of the personal drive: placement, names, create and upload, visibility. */
public final class FileService {
    public static final String APPS_FOLDER = "应用";
    private final FileStore store;
    private final ContentStore content;
    private final ServerClock clock;
    private final IdGenerator ids;
    private volatile ContentIndex index;

    public FileService(FileStore store, ContentStore content, ServerClock clock, IdGenerator ids) {
        this.store = store;
        this.content = content;
        this.clock = clock;
        this.ids = ids;
    }

    /** Connects the content index: every new file is queued for text extraction in its own transaction. */
    public void indexWith(ContentIndex index) {
        this.index = index;
    }

    public FileStore store() {
        return store;
    }

    public ContentStore content() {
        return content;
    }

    /** Spools an upload body into a pending blob, hashed and size-checked as it streams (30008 past the limit). */
    public BlobStore.PendingBlob receive(InputStream in) throws IOException {
        return content.receive(in);
    }

    /** The largest file content accepted ({@code --max-upload}). */
    public long maxUpload() {
        return content.maxUpload();
    }

    /**
     * A file the token's user may see: their own, or one they are a named link member of. Anything else, and
     * anything in the recycle bin, is 30012 as if it did not exist (api.md §5.1 Visibility).
     */
    public FileRecord visible(Principal p, String fileId) {
        return visible(null, p, fileId);
    }

    /** {@link #visible(Principal, String)} reading the file row under the call's {@code reads} (null: none). */
    public FileRecord visible(ReadCache.Reads reads, Principal p, String fileId) {
        FileRecord f = store.find(reads, fileId).orElseThrow(ApiException::notFound);
        if (!f.live() || !FileRecord.PERSONAL.equals(f.space())) {
            throw ApiException.notFound();
        }
        if (f.ownerId().equals(p.userId()) || (!f.isFolder() && store.isMember(fileId, p.userId()))) {
            return f;
        }
        throw ApiException.notFound();
    }

    /** A file the token's user owns: a visible non-owner gets 10003, everyone else 30012. */
    public FileRecord owned(Principal p, String fileId) {
        FileRecord f = store.find(fileId).orElseThrow(ApiException::notFound);
        if (!f.live() || !FileRecord.PERSONAL.equals(f.space())) {
            throw ApiException.notFound();
        }
        if (!f.ownerId().equals(p.userId())) {
            throw ApiException.denied("only the owner may do this");
        }
        return f;
    }

    /** Blank document: the nine creatable types (api.md §5.1 File types). */
    public FileRecord create(Principal p, String rawName, Placement where) {
        String name = FileNames.validate(rawName);
        String ext = ContentTypes.extension(name);
        byte[] bytes = null;
        if (FileNames.OFFICE.contains(ext)) {
            bytes = BlankDocuments.forExtension(ext).orElse(new byte[0]);
        } else if (!FileNames.ONLINE.contains(ext)) {
            throw ApiException.invalid(
                    "filename must end in .otl, .ksheet, .dbt, .docx, .xlsx, .pptx, .doc, .xls or .ppt");
        }
        long now = clock.epochSeconds();
        if (bytes == null) {
            return insertFile(p, name, where, null, ContentTypes.of(name), now);
        }
        try (BlobStore.PendingBlob blob = content.receive(bytes)) {
            BlobRecord rec = content.commit(blob, now);
            return withPinned(rec, () -> insertFile(p, name, where, rec, ContentTypes.of(name), now));
        }
    }

    /** Upload of a stored blob under {@code rawName}; name clashes get a numbered name. */
    public FileRecord upload(Principal p, String rawName, Placement where, BlobStore.PendingBlob blob) {
        String name = FileNames.validate(rawName);
        if (FileNames.isOnline(name)) {
            throw ApiException.invalid("online document types (.otl, .ksheet, .dbt) cannot be uploaded");
        }
        long now = clock.epochSeconds();
        BlobRecord rec = content.commit(blob, now);
        return withPinned(rec, () -> insertFile(p, name, where, rec, ContentTypes.of(name), now));
    }

    /**
     * Runs the metadata transaction for a freshly committed blob, pinned until it ends (then the collector may judge
     * the blob again); a blob the failed transaction left unreferenced (e.g. SQLITE_FULL) is collected at once, so a
     * failed write leaves no stray file.
     */
    private <T> T withPinned(BlobRecord b, Supplier<T> tx) {
        boolean ok = false;
        try {
            T result = tx.get();
            ok = true;
            return result;
        } finally {
            content.release(b.key());
            if (!ok) {
                content.collect(store.jdbi(), List.of(b.key()));
            }
        }
    }

    private FileRecord insertFile(
            Principal p, String name, Placement where, BlobRecord blob, String contentType, long now) {
        FileRecord created = insertFileRow(p, name, where, blob, contentType, now);
        if (index != null) {
            index.wake();
        }
        return created;
    }

    private FileRecord insertFileRow(
            Principal p, String name, Placement where, BlobRecord blob, String contentType, long now) {
        return store.jdbi().inTransaction(h -> {
            FileRecord parent = resolveParent(h, p, where, now);
            String free = freeName(h, FileRecord.PERSONAL, p.userId(), parent.fileId(), name);
            if (blob != null) {
                ContentStore.index(h, blob);
            }
            FileRecord f = FileRecord.created(
                    ids.fileToken(),
                    FileRecord.PERSONAL,
                    p.userId(),
                    parent.fileId(),
                    free,
                    "file",
                    blob == null ? 0 : blob.size(),
                    blob == null ? null : blob.key(),
                    contentType,
                    null,
                    p.appId(),
                    now);
            FileStore.insert(h, f);
            if (index != null && blob != null) {
                index.enqueue(h, f.fileId(), now);
            }
            return f;
        });
    }

    /** The folder a new file goes into, creating missing path folders (and the app folder) on the way. */
    FileRecord resolveParent(Handle h, Principal p, Placement where, long now) {
        if (where.parentId() != null && !where.parentId().isEmpty()) {
            String id = "0".equals(where.parentId()) ? p.userRootId() : where.parentId();
            FileRecord parent = FileStore.find(h, id).orElseThrow(ApiException::notFound);
            if (!parent.live()
                    || !FileRecord.PERSONAL.equals(parent.space())
                    || !parent.ownerId().equals(p.userId())) {
                throw ApiException.notFound();
            }
            if (!parent.isFolder()) {
                throw ApiException.invalid("parent_id is a file");
            }
            return parent;
        }
        FileRecord base =
                FileStore.find(h, p.userRootId()).orElseThrow(() -> new IllegalStateException("user root missing"));
        if (!where.pathFromRoot()) {
            base = appDir(h, p, base, now);
        }
        FolderDepth.require(where.parentPath().size()); // cheap refusal of an absurd path before any lookup
        int depth = FolderDepth.of(h, base.fileId());
        for (String segment : where.parentPath()) {
            FolderDepth.require(++depth);
            base = folder(h, p.userId(), base, FileNames.validate(segment), "folder", null, now);
        }
        return base;
    }

    private FileRecord appDir(Handle h, Principal p, FileRecord root, long now) {
        Optional<FileRecord> existing = FileStore.appDir(h, p.userId(), p.appId());
        if (existing.isPresent()) {
            return existing.get();
        }
        FileRecord apps = folder(h, p.userId(), root, APPS_FOLDER, "folder", null, now);
        String name = p.appName().replaceAll("[\\\\/|\":*?<>\\p{Cntrl}]", "_");
        if (name.isBlank() || name.equals(".") || name.equals("..")) {
            name = p.appId();
        }
        String free = freeName(h, FileRecord.PERSONAL, p.userId(), apps.fileId(), name);
        return folder(h, p.userId(), apps, free, "appdir", p.appId(), now);
    }

    private FileRecord folder(
            Handle h, String userId, FileRecord parent, String name, String kind, String appId, long now) {
        Optional<FileRecord> existing = FileStore.child(h, FileRecord.PERSONAL, userId, parent.fileId(), name);
        if (existing.isPresent()) {
            if (!existing.get().isFolder()) {
                throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "parent_path segment " + name + " is a file");
            }
            return existing.get();
        }
        FileRecord f = FileRecord.created(
                ids.fileToken(),
                FileRecord.PERSONAL,
                userId,
                parent.fileId(),
                name,
                kind,
                0,
                null,
                null,
                null,
                appId,
                now);
        FileStore.insert(h, f);
        return f;
    }

    /**
     * A new empty folder in a folder the user owns (the web drive's "new folder"; the API creates folders only as
     * {@code parent_path} segments). A name already used in the folder is 30015, as rename answers it.
     */
    public FileRecord mkdir(Principal p, String parentId, String rawName) {
        String name = FileNames.validate(rawName);
        long now = clock.epochSeconds();
        return store.jdbi().inTransaction(h -> {
            FileRecord parent =
                    resolveParent(h, p, new Placement(parentId == null ? "0" : parentId, List.of(), true), now);
            FolderDepth.require(FolderDepth.of(h, parent.fileId()) + 1);
            if (FileStore.child(h, FileRecord.PERSONAL, p.userId(), parent.fileId(), name)
                    .isPresent()) {
                throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "name already used in the folder");
            }
            return folder(h, p.userId(), parent, name, "folder", null, now);
        });
    }

    /** A file's row by id, live or not (the web drive's breadcrumbs). */
    public Optional<FileRecord> find(String fileId) {
        return store.find(fileId);
    }

    /** The user's 我的文档/应用 folder, where the app folders live, if any app made one. */
    public Optional<FileRecord> appsFolder(Principal p) {
        return store.jdbi()
                .withHandle(h -> FileStore.child(h, FileRecord.PERSONAL, p.userId(), p.userRootId(), APPS_FOLDER))
                .filter(FileRecord::isFolder);
    }

    /** {@code name} if free in the folder, else {@code name(2)}, {@code name(3)}, ... */
    public static String freeName(Handle h, String space, String ownerId, String parentId, String name) {
        if (FileStore.child(h, space, ownerId, parentId, name).isEmpty()) {
            return name;
        }
        for (int n = 2; n < 100_000; n++) {
            String candidate = FileNames.numbered(name, n);
            if (FileStore.child(h, space, ownerId, parentId, candidate).isEmpty()) {
                return candidate;
            }
        }
        throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "no free name for " + name);
    }

    /** The placement fields of a create body or upload form. */
    public static Placement placement(String parentId, List<String> parentPath, boolean pathFromRoot) {
        return new Placement(parentId, parentPath == null ? List.of() : parentPath, pathFromRoot);
    }
}
