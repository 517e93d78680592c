package io.yundoc.server.appspace;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.wire.AppFileInfo;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.BlankDocuments;
import io.yundoc.server.files.ContentStore;
import io.yundoc.server.files.FileNames;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    public AppSpaceService(FileStore store, ContentStore content, ServerClock clock, IdGenerator ids) {
        this.store = store;
        this.content = content;
        this.clock = clock;
        this.ids = ids;
    }

    public ContentStore content() {
        return content;
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
        FileRecord f = store.find(fileToken).orElseThrow(ApiException::notFound);
        if (!f.live() || !FileRecord.APP.equals(f.space()) || !f.ownerId().equals(app.appId())) {
            throw ApiException.notFound();
        }
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
        return info(store.jdbi().inTransaction(h -> {
            String parent = resolveFolder(h, app, where, now);
            if (FileStore.child(h, FileRecord.APP, app.appId(), parent, name).isPresent()) {
                throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "name already used in this folder");
            }
            if (b != null) {
                ContentStore.index(h, b);
            }
            FileRecord f = new FileRecord(ids.fileToken(), FileRecord.APP, app.appId(), parent, name, "file",
                    b == null ? 0 : b.size(), b == null ? null : b.key(), contentType, 1, creatorJson, creatorJson,
                    app.appId(), now, now, null, null, null, null);
            FileStore.insert(h, f);
            return f;
        }));
    }

    /** An upload: a new file, or a new version of the file that already has this name in the folder. */
    public AppFileInfo upload(AppRecord app, String rawName, Folder where, String partContentType, String creatorJson,
                              BlobStore.PendingBlob pending) {
        String name = FileNames.validate(rawName);
        if (FileNames.isOnline(name)) {
            throw ApiException.invalid("online document types (.otl, .ksheet, .dbt) cannot be uploaded");
        }
        String contentType = partContentType == null || partContentType.isBlank() ? ContentTypes.OCTET : partContentType;
        long now = clock.epochSeconds();
        BlobRecord b = content.commit(pending, now);
        return info(store.jdbi().inTransaction(h -> {
            String parent = resolveFolder(h, app, where, now);
            ContentStore.index(h, b);
            Optional<FileRecord> existing = FileStore.child(h, FileRecord.APP, app.appId(), parent, name);
            if (existing.isPresent()) {
                FileRecord old = existing.get();
                if (old.isFolder()) {
                    throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "a folder has this name");
                }
                FileRecord next = new FileRecord(old.fileId(), old.space(), old.ownerId(), old.parentId(), old.name(), old.kind(),
                        b.size(), b.key(), contentType, old.version() + 1, old.creator(),
                        creatorJson != null ? creatorJson : old.modifier(), old.appId(), old.ctime(), now, null, null, null, null);
                FileStore.updateContent(h, next);
                return next;
            }
            FileRecord f = new FileRecord(ids.fileToken(), FileRecord.APP, app.appId(), parent, name, "file", b.size(), b.key(),
                    contentType, 1, creatorJson, creatorJson, app.appId(), now, now, null, null, null, null);
            FileStore.insert(h, f);
            return f;
        }));
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
            for (String raw : where.parentPath()) {
                String segment = FileNames.validate(raw);
                Optional<FileRecord> child = FileStore.child(h, FileRecord.APP, app.appId(), parent, segment);
                if (child.isPresent()) {
                    if (!child.get().isFolder()) {
                        throw new ApiException(ErrorCode.FILE_NAME_CONFLICT, "parent_path segment " + segment + " is a file");
                    }
                    parent = child.get().fileId();
                } else {
                    FileRecord folder = new FileRecord(ids.fileToken(), FileRecord.APP, app.appId(), parent, segment, "folder", 0,
                            null, null, 1, null, null, app.appId(), now, now, null, null, null, null);
                    FileStore.insert(h, folder);
                    parent = folder.fileId();
                }
            }
        }
        return parent;
    }

    public static AppFileInfo info(FileRecord f) {
        return new AppFileInfo(f.contentType() == null ? ContentTypes.OCTET : f.contentType(),
                f.creator() == null ? "0" : f.creator(), f.ctime(), f.fileId(),
                f.modifier() == null ? "0" : f.modifier(), f.mtime(), f.name(), f.parentId() == null ? "" : f.parentId(),
                f.isFolder() ? 0 : f.size(), Map.of(), f.isFolder() ? "folder" : "normal_file", f.version());
    }
}
