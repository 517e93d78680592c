package io.yundoc.server.web;

import io.yundoc.protocol.Ids;
import io.yundoc.server.auth.EditTokenService;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.auth.UserStore;
import io.yundoc.server.blob.BlobIndexStore;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import io.yundoc.server.links.LinkRecord;
import io.yundoc.server.links.LinkStore;
import java.util.Optional;

/**
 * The rules of the share page and the edit view (api.md §7): which file a share link or an edit token opens, and
 * for whom. Anything that cannot be used now is empty, so every reason gets the same 404 page.
 */
public final class SharedFiles {
    private final LinkStore links;
    private final FileStore files;
    private final UserStore users;
    private final BlobIndexStore blobs;
    private final EditTokenService editTokens;
    private final ServerClock clock;

    public SharedFiles(
            LinkStore links,
            FileStore files,
            UserStore users,
            BlobIndexStore blobs,
            EditTokenService editTokens,
            ServerClock clock) {
        this.links = links;
        this.files = files;
        this.users = users;
        this.blobs = blobs;
        this.editTokens = editTokens;
        this.clock = clock;
    }

    /** A link that can be used now, with its file and owner; {@code link} is null on the edit view of an app file. */
    public record Shared(LinkRecord link, FileRecord file, UserRecord owner) {}

    /**
     * The file an edit token opens on {@code /v/}: a live personal file owned by the token's user or shared with them
     * as a link member, or a live file in the app space of the app the token was issued through (app files are not
     * user files, api.md §5.8).
     */
    public Optional<Shared> byEditToken(String fileId, String token) {
        if (fileId == null || !Ids.accepted(fileId)) {
            return Optional.empty();
        }
        return editTokens
                .holder(token)
                .flatMap(holder -> files.find(fileId)
                        .filter(f -> f.live() && !f.isFolder())
                        .filter(f -> FileRecord.PERSONAL.equals(f.space())
                                ? f.ownerId().equals(holder.userId()) || files.isMember(f.fileId(), holder.userId())
                                : FileRecord.APP.equals(f.space())
                                        && f.ownerId().equals(holder.appId()))
                        .flatMap(f -> {
                            boolean personal = FileRecord.PERSONAL.equals(f.space());
                            return users.find(personal ? f.ownerId() : holder.userId())
                                    .filter(u -> !u.disabled())
                                    .map(u -> new Shared(
                                            personal ? links.byFile(f.fileId()).orElse(null) : null, f, u));
                        }));
    }

    /** The open, unexpired link {@code sid} with its live file and enabled owner. */
    public Optional<Shared> byLink(String sid) {
        if (sid == null || !sid.matches("[A-Za-z0-9]{1,64}")) {
            return Optional.empty();
        }
        long now = clock.epochSeconds();
        return links.bySid(sid)
                .filter(l -> l.open() && !l.expired(now))
                .flatMap(l -> files.find(l.fileId())
                        .filter(FileRecord::live)
                        .flatMap(f -> users.find(f.ownerId())
                                .filter(u -> !u.disabled())
                                .map(u -> new Shared(l, f, u))));
    }

    /** The stored blob of a file's content. */
    public BlobRecord blob(FileRecord f) {
        return blobRow(f).orElseThrow();
    }

    /** The blob row of a file's content, if its bytes are stored. */
    public Optional<BlobRecord> blobRow(FileRecord f) {
        return blobs.find(f.blobKey());
    }
}
