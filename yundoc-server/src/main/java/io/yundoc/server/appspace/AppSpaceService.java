package io.yundoc.server.appspace;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.wire.AppFileInfo;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.BlankDocuments;
import io.yundoc.server.files.ContentStore;
import io.yundoc.server.files.FileNames;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import io.yundoc.server.files.FolderDepth;
import io.yundoc.server.files.PurgeHooks;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * An app's private space (api.md §5.9): folders by token or path, blank creates, uploads that become new
 * versions of an existing name. Another app's tokens are 30012, never 10003.
 */
public final class AppSpaceService {
    static final String ROOT = "";
    private final FileStore store;
    private final ContentStore content;
    private final ServerClock clock;
    private final IdGenerator ids;
    private PurgeHooks purgeHooks = new PurgeHooks();

    /** The space of the private copies anonymous preview keeps (api-families.md §F4): no listing ever shows it. */
    public static final String ANON = "anon";

    /** Issued cursors start here: far above any real position, and below 2^53 so JavaScript clients keep them exact. */
    public static final long CURSOR_BASE = 1L << 52;

    private static final long MAX_JSON_SAFE = (1L << 53) - 1;

    public AppSpaceService(FileStore store, ContentStore content, ServerClock clock, IdGenerator ids) {
        this.store = store;
        this.content = content;
        this.clock = clock;
        this.ids = ids;
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

    /** Where in the app space: a folder token ("" = root) or a path below the root, never both. */
    public record Folder(String parentToken, List<String> parentPath) {
        public Folder {
            if (parentToken != null && parentPath != null && !parentPath.isEmpty()) {
                throw ApiException.invalid("parent_token and parent_path cannot be combined");
            }
        }
    }

    public FileRecord file(AppRecord app, String fileToken) {
        return file(null, app, fileToken);
    }

    /** {@link #file(AppRecord, String)} reading the file row under the call's {@code reads} (null: none). */
    public FileRecord file(ReadCache.Reads reads, AppRecord app, String fileToken) {
        FileRecord f = store.find(reads, fileToken).orElseThrow(ApiException::notFound);
        requireOwn(app, f);
        return f;
    }

    public AppFileInfo create(AppRecord app, String rawName, Folder where, String creatorJson) {
        String name = FileNames.validate(rawName);
        String ext = ContentTypes.extension(name);
        boolean noExtension = name.lastIndexOf('.') <= 0;
        byte[] bytes;
        if (FileNames.ONLINE.contains(ext)) {
            bytes = null;
        } else if (FileNames.OFFICE.contains(ext)) {
            bytes = BlankDocuments.forExtension(ext).orElse(new byte[0]);
        } else if (noExtension) {
            bytes = new byte[0];
        } else {
            throw ApiException.invalid("filename must have an office or online document extension, or none");
        }
        long now = clock.epochSeconds();
        String contentType = noExtension ? ContentTypes.OCTET : ContentTypes.of(name);
        BlobRecord blob = null;
        if (bytes != null) {
            try (BlobStore.PendingBlob p = content.receive(bytes)) {
                blob = content.commit(p, now);
            }
        }
        BlobRecord b = blob;
        Supplier<FileRecord> tx = () -> store.jdbi().inTransaction(h -> {
            String parent = resolveFolder(h, app, where, now);
            if (FileStore.child(h, FileRecord.APP, app.appId(), parent, name).isPresent()) {
                throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "name already used in this folder");
            }
            if (b != null) {
                ContentStore.index(h, b);
            }
            FileRecord f = FileRecord.created(
                    ids.fileToken(),
                    FileRecord.APP,
                    app.appId(),
                    parent,
                    name,
                    "file",
                    b == null ? 0 : b.size(),
                    b == null ? null : b.key(),
                    contentType,
                    creatorJson,
                    app.appId(),
                    now);
            FileStore.insert(h, f);
            return f;
        });
        return info(b == null ? tx.get() : withPinned(b, tx));
    }

    /** An upload: a new file, or a new version of the file that already has this name in the folder. */
    public AppFileInfo upload(
            AppRecord app,
            String rawName,
            Folder where,
            String partContentType,
            String creatorJson,
            BlobStore.PendingBlob pending) {
        String name = FileNames.validate(rawName);
        if (FileNames.isOnline(name)) {
            throw ApiException.invalid("online document types (.otl, .ksheet, .dbt) cannot be uploaded");
        }
        String contentType =
                partContentType == null || partContentType.isBlank() ? ContentTypes.OCTET : partContentType;
        long now = clock.epochSeconds();
        BlobRecord b = content.commit(pending, now);
        return info(withPinned(
                b,
                () -> store.jdbi().inTransaction(h -> {
                    String parent = resolveFolder(h, app, where, now);
                    ContentStore.index(h, b);
                    Optional<FileRecord> existing = FileStore.child(h, FileRecord.APP, app.appId(), parent, name);
                    if (existing.isPresent()) {
                        FileRecord old = existing.get();
                        if (old.isFolder()) {
                            throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "a folder has this name");
                        }
                        FileRecord next = old.nextVersion(b.size(), b.key(), contentType, creatorJson, now);
                        if (!AppSpaceStore.newVersion(h, next, old.version())) {
                            throw new IllegalStateException("file changed during the upload transaction");
                        }
                        return next;
                    }
                    FileRecord f = FileRecord.created(
                            ids.fileToken(),
                            FileRecord.APP,
                            app.appId(),
                            parent,
                            name,
                            "file",
                            b.size(),
                            b.key(),
                            contentType,
                            creatorJson,
                            app.appId(),
                            now);
                    FileStore.insert(h, f);
                    return f;
                })));
    }

    /**
     * Stores {@code pending} as a private copy for an anonymous preview of {@code app} (api-families.md §F4 rows 2–3):
     * a files row in the {@link #ANON} space, no folder, which keeps the blob referenced while the preview lives.
     */
    public FileRecord privateCopy(AppRecord app, String name, BlobStore.PendingBlob pending) {
        long now = clock.epochSeconds();
        BlobRecord b = content.commit(pending, now);
        return withPinned(
                b,
                () -> store.jdbi().inTransaction(h -> {
                    ContentStore.index(h, b);
                    FileRecord f = FileRecord.created(
                            ids.fileToken(),
                            ANON,
                            app.appId(),
                            null,
                            name,
                            "file",
                            b.size(),
                            b.key(),
                            ContentTypes.of(name),
                            null,
                            app.appId(),
                            now);
                    FileStore.insert(h, f);
                    return f;
                }));
    }

    /**
     * Runs the metadata transaction for a freshly committed blob; the blob stays pinned until it ends, and a blob the
     * failed transaction left unreferenced is collected at once (a failed write leaves nothing behind).
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

    // ---- download, versions, revert, destroy, move ----

    /** A file of this app (not a folder) for the version endpoints; folders have no versions → 10001. */
    public FileRecord versionedFile(AppRecord app, String fileToken) {
        FileRecord f = file(app, fileToken);
        if (f.isFolder()) {
            throw ApiException.invalid("a folder has no versions");
        }
        return f;
    }

    /** One version of a file: 30012 when the file has no such version. */
    public FileVersion version(FileRecord f, long version) {
        return store.jdbi()
                .withHandle(h -> AppSpaceStore.version(h, f.fileId(), version))
                .orElseThrow(
                        () -> new ApiException(ErrorCode.FILE_NOT_EXISTS, "no version " + version + " of this file"));
    }

    /** A page of versions, newest first. */
    public record VersionPage(List<AppFileInfo> versions, long nextOffset) {}

    /**
     * Versions newest first (api.md §5.9). {@code offset} is a plain position (0 = newest) or a cursor issued as
     * {@code next_offset}: {@link #CURSOR_BASE} + the number of the next version. Versions are only ever added on
     * top, so a cursor ("version n and older") stays exact while uploads and reverts happen, and never expires.
     */
    public VersionPage versions(FileRecord f, long offset, int count) {
        List<FileVersion> rows = store.jdbi()
                .withHandle(h -> offset >= CURSOR_BASE
                        ? AppSpaceStore.versionsFrom(h, f.fileId(), offset - CURSOR_BASE, count + 1)
                        : AppSpaceStore.versionsAt(h, f.fileId(), offset, count + 1));
        long next = -1;
        if (rows.size() > count) {
            long v = rows.get(count).version();
            next = v < MAX_JSON_SAFE - CURSOR_BASE
                    ? CURSOR_BASE + v
                    : offset + count; // absurd numbers: a plain position
            rows = rows.subList(0, count);
        }
        return new VersionPage(rows.stream().map(v -> info(f, v)).toList(), next);
    }

    /**
     * Revert (api.md §5.9): the old version's content becomes a new version on top; reverting from 5 to 3 yields
     * version 6 with version 3's bytes. Blobs are shared, so nothing is copied.
     */
    public AppFileInfo revert(AppRecord app, String fileToken, long version) {
        long now = clock.epochSeconds();
        for (int attempt = 0; ; attempt++) {
            FileRecord result = store.jdbi().inTransaction(h -> {
                FileRecord f = FileStore.find(h, fileToken).orElseThrow(ApiException::notFound);
                requireOwn(app, f);
                if (f.isFolder()) {
                    throw ApiException.invalid("a folder has no versions");
                }
                FileVersion v = AppSpaceStore.version(h, f.fileId(), version)
                        .orElseThrow(() ->
                                new ApiException(ErrorCode.FILE_NOT_EXISTS, "no version " + version + " of this file"));
                FileRecord next = f.nextVersion(v.size(), v.blobKey(), v.contentType(), null, now);
                return AppSpaceStore.newVersion(h, next, f.version()) ? next : null;
            });
            if (result != null) {
                return info(result);
            }
            if (attempt >= 3) {
                throw new IllegalStateException("file kept changing during revert");
            }
        }
    }

    /** What else a permanent delete removes with each file (ksheet content, webhook subscriptions). */
    public AppSpaceService purgeHooks(PurgeHooks hooks) {
        this.purgeHooks = hooks;
        return this;
    }

    /**
     * Permanent delete (api.md §5.9): no recycle bin, folders with everything below them. The rows go in one
     * transaction; the blobs they referred to are collected after it committed, each only if nothing else refers to it.
     */
    public void destroy(AppRecord app, String fileToken) {
        List<String> keys = store.jdbi().inTransaction(h -> {
            FileRecord f = FileStore.find(h, fileToken).orElseThrow(ApiException::notFound);
            requireOwn(app, f);
            List<String> blobKeys = new ArrayList<>();
            Deque<FileRecord> todo = new ArrayDeque<>();
            todo.push(f);
            while (!todo.isEmpty()) {
                FileRecord x = todo.pop();
                if (x.isFolder()) {
                    AppSpaceStore.children(h, app.appId(), x.fileId()).forEach(todo::push);
                }
                blobKeys.addAll(AppSpaceStore.blobKeys(h, x.fileId()));
                purgeHooks.run(h, x.fileId());
                AppSpaceStore.purge(h, x.fileId());
            }
            return blobKeys;
        });
        content.collect(store.jdbi(), keys);
    }

    /**
     * Batch move (api.md §5.9), all or nothing: every token in one folder of this app, the target a different folder
     * of this app (not one of the moved folders or below them), no name clash (30015).
     */
    public List<String> move(AppRecord app, List<String> fileTokens, String parentToken, String modifierJson) {
        long now = clock.epochSeconds();
        store.jdbi().useTransaction(h -> {
            List<FileRecord> sources = new ArrayList<>();
            for (String t : fileTokens) {
                FileRecord f = FileStore.find(h, t).orElseThrow(ApiException::notFound);
                requireOwn(app, f);
                sources.add(f);
            }
            String target = ROOT;
            if (!parentToken.isEmpty()) {
                FileRecord p = FileStore.find(h, parentToken).orElseThrow(ApiException::notFound);
                requireOwn(app, p);
                if (!p.isFolder()) {
                    throw ApiException.invalid("parent_token is a file");
                }
                target = p.fileId();
            }
            String from = sources.get(0).parentId();
            for (FileRecord f : sources) {
                if (!f.parentId().equals(from)) {
                    throw ApiException.invalid("all file_tokens must be in one folder");
                }
            }
            if (from.equals(target)) {
                throw ApiException.invalid("parent_token is the folder the files are already in");
            }
            // the target must not be one of the moved folders or inside one
            Set<String> moved = new HashSet<>(fileTokens);
            for (String at = target; !at.isEmpty(); ) {
                if (moved.contains(at)) {
                    throw ApiException.invalid("a folder cannot be moved into itself or a folder below it");
                }
                at = FileStore.find(h, at).map(FileRecord::parentId).orElse(ROOT);
            }
            for (FileRecord f : sources) {
                FolderDepth.requireFits(h, target, f);
                if (FileStore.child(h, FileRecord.APP, app.appId(), target, f.name())
                        .isPresent()) {
                    throw new ApiException(
                            ErrorCode.FILE_NAME_CONFLICT, "name " + f.name() + " already used in the target folder");
                }
            }
            for (FileRecord f : sources) {
                AppSpaceStore.move(h, f.fileId(), target, modifierJson, now);
            }
        });
        return fileTokens;
    }

    private static void requireOwn(AppRecord app, FileRecord f) {
        if (!f.live() || !FileRecord.APP.equals(f.space()) || !f.ownerId().equals(app.appId())) {
            throw ApiException.notFound();
        }
    }

    /** File info as of one version: that version's name, size, type, modifier and time; creator and place as now. */
    public static AppFileInfo info(FileRecord f, FileVersion v) {
        if (v.version() == f.version()) {
            return info(f); // the current version: exactly the file info (a move may have changed mtime and modifier)
        }
        return new AppFileInfo(
                v.contentType() == null ? ContentTypes.OCTET : v.contentType(),
                f.creator() == null ? "0" : f.creator(),
                f.ctime(),
                f.fileId(),
                v.modifier() == null ? "0" : v.modifier(),
                v.mtime(),
                v.name(),
                f.parentId() == null ? "" : f.parentId(),
                v.size(),
                Map.of(),
                "normal_file",
                v.version());
    }

    private String resolveFolder(Handle h, AppRecord app, Folder where, long now) {
        if (where.parentToken() != null && !where.parentToken().isEmpty()) {
            FileRecord f = FileStore.find(h, where.parentToken()).orElseThrow(ApiException::notFound);
            if (!f.live() || !FileRecord.APP.equals(f.space()) || !f.ownerId().equals(app.appId())) {
                throw ApiException.notFound();
            }
            if (!f.isFolder()) {
                throw ApiException.invalid("parent_token is a file");
            }
            return f.fileId();
        }
        String parent = ROOT;
        if (where.parentPath() != null) {
            int depth = 0;
            for (String raw : where.parentPath()) {
                FolderDepth.require(++depth);
                String segment = FileNames.validate(raw);
                Optional<FileRecord> child = FileStore.child(h, FileRecord.APP, app.appId(), parent, segment);
                if (child.isPresent()) {
                    if (!child.get().isFolder()) {
                        throw new ApiException(
                                ErrorCode.FILE_NAME_CONFLICT, "parent_path segment " + segment + " is a file");
                    }
                    parent = child.get().fileId();
                } else {
                    FileRecord folder = FileRecord.created(
                            ids.fileToken(),
                            FileRecord.APP,
                            app.appId(),
                            parent,
                            segment,
                            "folder",
                            0,
                            null,
                            null,
                            null,
                            app.appId(),
                            now);
                    FileStore.insert(h, folder);
                    parent = folder.fileId();
                }
            }
        }
        return parent;
    }

    public static AppFileInfo info(FileRecord f) {
        return new AppFileInfo(
                f.contentType() == null ? ContentTypes.OCTET : f.contentType(),
                f.creator() == null ? "0" : f.creator(),
                f.ctime(),
                f.fileId(),
                f.modifier() == null ? "0" : f.modifier(),
                f.mtime(),
                f.name(),
                f.parentId() == null ? "" : f.parentId(),
                f.isFolder() ? 0 : f.size(),
                Map.of(),
                f.isFolder() ? "folder" : "normal_file",
                f.version());
    }
}
