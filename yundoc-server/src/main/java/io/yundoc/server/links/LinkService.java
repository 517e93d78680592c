package io.yundoc.server.links;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Ids;
import io.yundoc.protocol.wire.LinkInfo;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.auth.UserStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileService;
import java.util.List;
import java.util.Optional;

/** Share links (api.md §5.7): read by owner and members, created and changed by the owner only. */
public final class LinkService {
    private final LinkStore store;
    private final FileService files;
    private final ServerClock clock;
    private final IdGenerator ids;

    public LinkService(LinkStore store, FileService files, ServerClock clock, IdGenerator ids) {
        this.store = store;
        this.files = files;
        this.clock = clock;
        this.ids = ids;
    }

    /** Whether the file has a share link that is open now (the web drive's list shows it). */
    public boolean openLink(String fileId) {
        return store.byFile(fileId).map(LinkRecord::open).orElse(false);
    }

    public LinkStore store() {
        return store;
    }

    public LinkInfo get(ReadCache.Reads reads, Principal p, String fileId, String baseUrl) {
        FileRecord f = files.visible(reads, p, fileId);
        LinkRecord l = store.byFile(reads, f.fileId())
                .orElseThrow(() -> new ApiException(ErrorCode.LINK_NOT_EXISTS, "file has no share link"));
        return info(l, f, baseUrl);
    }

    /** The file's link when it is open and unexpired (links/with_edit_token), else 30014. */
    public LinkRecord openLink(ReadCache.Reads reads, Principal p, String fileId) {
        FileRecord f = files.visible(reads, p, fileId);
        return store.byFile(reads, f.fileId())
                .filter(l -> l.open() && !l.expired(clock.epochSeconds()))
                .orElseThrow(() -> new ApiException(ErrorCode.LINK_NOT_EXISTS, "file is not shared by an open link"));
    }

    /** A file the caller may open on the view page: owner or member; folders have no page (10001). */
    public FileRecord viewable(Principal p, String fileId) {
        FileRecord f = files.visible(p, fileId);
        if (f.isFolder()) {
            throw ApiException.invalid("folders have no view page");
        }
        return f;
    }

    /** The validated body of POST links; fields absent stay null. */
    record Change(String permission, String status, List<String> extPermList, Long period, boolean reset) {}

    static Change parse(ObjectNode body) {
        String range = Json.text(body, "range").orElseThrow(() -> ApiException.invalid("range is required"));
        if (!"anyone".equals(range)) {
            throw ApiException.invalid("range must be anyone");
        }
        String permission =
                Json.text(body, "permission").orElseThrow(() -> ApiException.invalid("permission is required"));
        if (!permission.equals("read") && !permission.equals("write")) {
            throw ApiException.invalid("permission must be read or write");
        }
        String status = Json.text(body, "status").orElse(null);
        if (status != null && !status.equals("open") && !status.equals("close")) {
            throw ApiException.invalid("status must be open or close");
        }
        List<String> ext = Json.stringList(body, "ext_perm_list").orElse(null);
        if (ext != null && !(ext.isEmpty() || ext.equals(List.of("comment")))) {
            throw ApiException.invalid("ext_perm_list must be [] or [\"comment\"]");
        }
        Long period = Json.integer(body, "period").orElse(null);
        if (period != null && period != 0 && period != 7 && period != 30) {
            throw ApiException.invalid("period must be 0, 7 or 30");
        }
        boolean reset = Json.bool(body, "reset").orElse(false);
        return new Change(permission, status, ext, period, reset);
    }

    public LinkInfo createOrUpdate(Principal p, String fileId, ObjectNode body, String baseUrl) {
        Change ch = parse(body);
        FileRecord f = files.owned(p, fileId);
        if (f.isFolder()) {
            throw ApiException.invalid("folders cannot be shared");
        }
        long now = clock.epochSeconds();
        LinkRecord saved = store.jdbi().inTransaction(h -> {
            Optional<LinkRecord> old = LinkStore.byFile(h, f.fileId());
            LinkRecord l;
            if (old.isEmpty()) {
                long period = ch.period() == null ? 0 : ch.period();
                l = new LinkRecord(
                        f.fileId(),
                        ids.sid(),
                        ch.permission(),
                        ch.extPermList() == null ? List.of() : ch.extPermList(),
                        ch.status() == null ? "open" : ch.status(),
                        period == 0 ? 0 : now + period * 86_400,
                        now);
            } else {
                LinkRecord o = old.get();
                long exp = ch.period() == null ? o.expireTime() : (ch.period() == 0 ? 0 : now + ch.period() * 86_400);
                l = new LinkRecord(
                        f.fileId(),
                        ch.reset() ? ids.sid() : o.sid(),
                        ch.permission(),
                        ch.extPermList() == null ? o.extPermList() : ch.extPermList(),
                        ch.status() == null ? o.status() : ch.status(),
                        exp,
                        o.createdAt());
            }
            LinkStore.upsert(h, l);
            return l;
        });
        return info(saved, f, baseUrl);
    }

    /**
     * {@code PUT links/members/:user_id}: checked in the order api.md §5.7 gives (file 30012, owner 10003, link
     * 30014); the member is named by their open_id as this app sees it, or their union_id; unknown or owner → 10001.
     */
    public void setMember(Principal p, String fileId, String userId, ObjectNode body) {
        String permission = Json.text(body, "permission")
                .or(() -> Json.text(body, "permisssion"))
                .orElseThrow(() -> ApiException.invalid("permission is required"));
        if (!permission.equals("read") && !permission.equals("write")) {
            throw ApiException.invalid("permission must be read or write");
        }
        FileRecord f = files.owned(p, fileId);
        store.jdbi().useTransaction(h -> {
            if (LinkStore.byFile(h, f.fileId()).isEmpty()) {
                throw new ApiException(ErrorCode.LINK_NOT_EXISTS, "file has no share link");
            }
            var member = userId == null || !Ids.accepted(userId)
                    ? Optional.<UserRecord>empty()
                    : new UserStore(store.jdbi()).findByAppVisibleId(p.appId(), userId);
            if (member.isEmpty()) {
                throw ApiException.invalid("user_id names no user");
            }
            if (member.get().userId().equals(f.ownerId())) {
                throw ApiException.invalid("the owner cannot be a member");
            }
            LinkStore.setMember(h, f.fileId(), member.get().userId(), permission);
        });
    }

    /**
     * The named members of the file's link, for its owner only (the web drive's share dialog; the API has no route
     * that lists them): another person's file is 30012 or 10003 as for the other owner-only calls.
     */
    public List<LinkStore.Member> members(Principal p, String fileId) {
        FileRecord f = files.owned(p, fileId);
        return store.jdbi().withHandle(h -> LinkStore.members(h, f.fileId()));
    }

    /** {@code DELETE links}: drops the link and its members for good (api.md §5.7). */
    public void delete(Principal p, String fileId) {
        FileRecord f = files.owned(p, fileId);
        store.jdbi().useTransaction(h -> {
            if (!LinkStore.deleteWithMembers(h, f.fileId())) {
                throw new ApiException(ErrorCode.LINK_NOT_EXISTS, "file has no share link");
            }
        });
    }

    public static LinkInfo info(LinkRecord l, FileRecord f, String baseUrl) {
        return new LinkInfo(
                l.expireTime(), l.extPermList(), l.permission(), baseUrl + "/l/" + l.sid(), l.sid(), f.name());
    }
}
