package io.yundoc.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.protocol.Ids;
import io.yundoc.protocol.Scope;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.auth.PasswordHasher;
import io.yundoc.server.auth.TokenService;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.auth.UserStore;
import io.yundoc.server.blob.BlobIndexStore;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DisplayText;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.PinnedIdStore;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.ContentStore;
import io.yundoc.server.files.FileNames;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import io.yundoc.server.files.FolderDepth;
import io.yundoc.server.links.LinkRecord;
import io.yundoc.server.links.LinkStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Dev-mode fixtures (design.md "Fixture file"): apps, users, tokens, files, links with fixed ids, pinned download
 * answers and the queues of ids handed out next. A document is applied all or nothing.
 */
public final class FixtureLoader {
    private final Jdbi jdbi;
    private final UserStore users;
    private final TokenService tokens;
    private final PasswordHasher hasher;
    private final ContentStore content;
    private final ServerClock clock;
    private final IdGenerator ids;

    public FixtureLoader(
            Jdbi jdbi,
            UserStore users,
            TokenService tokens,
            PasswordHasher hasher,
            ContentStore content,
            ServerClock clock,
            IdGenerator ids) {
        this.jdbi = jdbi;
        this.users = users;
        this.tokens = tokens;
        this.hasher = hasher;
        this.content = content;
        this.clock = clock;
        this.ids = ids;
    }

    /** Applies the document; returns the counts created. */
    public Map<String, Integer> apply(JsonNode doc) {
        if (doc == null || !doc.isObject()) {
            throw ApiException.invalid("fixture document must be a JSON object");
        }
        Instant clockAt = null;
        if (doc.hasNonNull("clock")) {
            try {
                clockAt = Instant.parse(doc.get("clock").asText());
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("clock must be an RFC 3339 time");
            }
        }
        long now = clockAt != null ? clockAt.getEpochSecond() : clock.epochSeconds();
        // Blobs first (invisible until referenced); nothing else is written unless the whole document is valid.
        List<BlobStore.PendingBlob> pending = new ArrayList<>();
        Map<JsonNode, BlobRecord> contentOf = new HashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        try {
            for (JsonNode f : list(doc, "files")) {
                contentOf.put(f, blob(f, pending, now));
                for (JsonNode v : list(f, "versions")) {
                    contentOf.put(v, blob(v, pending, now));
                }
            }
            long finalNow = now;
            jdbi.useTransaction(h -> {
                counts.put("apps", applyApps(h, list(doc, "apps"), finalNow));
                counts.put("users", applyUsers(h, list(doc, "users"), finalNow));
                counts.put("tokens", applyTokens(h, list(doc, "tokens"), finalNow));
                counts.put("files", applyFiles(h, list(doc, "files"), contentOf, finalNow));
                applyNext(h, doc.get("next"));
            });
        } finally {
            pending.forEach(BlobStore.PendingBlob::close);
            contentOf.values().stream().filter(Objects::nonNull).forEach(b -> content.release(b.key()));
        }
        if (clockAt != null) {
            clock.set(clockAt);
        }
        return counts;
    }

    private static List<JsonNode> list(JsonNode doc, String key) {
        JsonNode n = doc.get(key);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw ApiException.invalid(key + " must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        n.forEach(out::add);
        return out;
    }

    private BlobRecord blob(JsonNode f, List<BlobStore.PendingBlob> pending, long now) {
        byte[] bytes;
        if (f.hasNonNull("text")) {
            bytes = f.get("text").asText().getBytes(StandardCharsets.UTF_8);
        } else if (f.hasNonNull("base64")) {
            try {
                bytes = Base64.getDecoder().decode(f.get("base64").asText());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("base64 content is not valid base64");
            }
        } else if ("folder".equals(f.path("type").asText("file"))) {
            return null;
        } else {
            long size = f.path("size").asLong(0);
            if (size < 0 || size > 64L << 20) {
                throw ApiException.invalid("fixture size must be 0 to 64 MiB");
            }
            bytes = new byte[(int) size];
        }
        BlobStore.PendingBlob p = content.receive(bytes);
        pending.add(p);
        return content.commit(p, now);
    }

    private int applyApps(Handle h, List<JsonNode> list, long now) {
        for (JsonNode a : list) {
            String appId = req(a, "app_id");
            if (!Ids.accepted(appId) || AppStore.exists(h, appId)) {
                throw ApiException.invalid("fixture app " + appId + " already exists or is malformed");
            }
            String key = a.hasNonNull("app_key")
                    ? a.get("app_key").asText()
                    : ids.ids().appKey();
            if (key.length() < 16 || key.length() > 128) {
                throw ApiException.invalid("app_key must be 16 to 128 characters");
            }
            List<String> uris = Json.stringList(a, "redirect_uris").orElse(List.of());
            uris.forEach(AdminService::validateRedirectUri);
            List<String> scopes =
                    AdminService.scopes(Json.stringList(a, "scopes").orElse(null), EnumSet.allOf(Scope.class));
            String tier = a.path("tier").asText("test");
            if (!tier.equals("test") && !tier.equals("formal")) {
                throw ApiException.invalid("tier must be test or formal");
            }
            String name = DisplayText.require("fixture app name", a.path("name").asText(appId));
            AppStore.insert(
                    h,
                    new AppRecord(
                            appId,
                            key,
                            null,
                            null,
                            name,
                            tier,
                            uris,
                            scopes,
                            false,
                            a.hasNonNull("auto_consent_user")
                                    ? a.get("auto_consent_user").asText()
                                    : null,
                            "{}",
                            now));
        }
        return list.size();
    }

    private int applyUsers(Handle h, List<JsonNode> list, long now) {
        for (JsonNode u : list) {
            String userId = req(u, "user_id");
            if (!Ids.accepted(userId)
                    || UserStore.exists(h, userId, u.path("name").asText(userId))) {
                throw ApiException.invalid("fixture user " + userId + " already exists or is malformed");
            }
            String password = u.path("password").asText("");
            if (password.length() < 8) {
                throw ApiException.invalid("fixture user password must be at least 8 characters");
            }
            String name =
                    DisplayText.require("fixture user name", u.path("name").asText(userId));
            String nickname = DisplayText.require(
                    "fixture user nickname", u.path("nickname").asText(name));
            UserRecord rec = new UserRecord(
                    userId,
                    u.hasNonNull("union_id")
                            ? u.get("union_id").asText()
                            : ids.ids().token256(),
                    name,
                    nickname,
                    u.hasNonNull("avatar") ? u.get("avatar").asText() : null,
                    false,
                    ids.fileToken());
            users.insert(h, rec, hasher.hash(password), now);
            FileStore.insert(
                    h,
                    FileRecord.created(
                            rec.rootId(),
                            FileRecord.PERSONAL,
                            userId,
                            null,
                            AdminService.ROOT_NAME,
                            "root",
                            0,
                            null,
                            null,
                            null,
                            null,
                            now));
            JsonNode openIds = u.get("open_ids");
            if (openIds != null && openIds.isObject()) {
                openIds.fields()
                        .forEachRemaining(e -> UserStore.insertOpenId(
                                h, e.getKey(), userId, e.getValue().asText()));
            }
        }
        return list.size();
    }

    private int applyTokens(Handle h, List<JsonNode> list, long now) {
        for (JsonNode t : list) {
            String appId = req(t, "app_id");
            String userId = req(t, "user_id");
            if (!AppStore.exists(h, appId) || !UserStore.exists(h, userId, null)) {
                throw ApiException.invalid("fixture token names an unknown app or user");
            }
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            for (String s : Json.stringList(t, "scopes").orElse(List.of())) {
                scopes.add(Scope.parse(s).orElseThrow(() -> ApiException.invalid("unknown scope " + s)));
            }
            String access = t.hasNonNull("access_token") ? t.get("access_token").asText() : ids.accessToken();
            String refresh =
                    t.hasNonNull("refresh_token") ? t.get("refresh_token").asText() : ids.refreshToken();
            long expires = t.hasNonNull("expires_at") ? t.get("expires_at").asLong() : now + TokenService.ACCESS_TTL;
            tokens.insert(h, access, refresh, appId, userId, scopes, null, ids.internal(), expires, now);
        }
        return list.size();
    }

    private int applyFiles(Handle h, List<JsonNode> list, Map<JsonNode, BlobRecord> contentOf, long now) {
        for (JsonNode f : list) {
            String space = f.path("space").asText("personal");
            String id = req(f, "id");
            if (!Ids.accepted(id) || FileStore.find(h, id).isPresent()) {
                throw ApiException.invalid("fixture file " + id + " already exists or is malformed");
            }
            String name = FileNames.validate(req(f, "name"));
            String kind = "folder".equals(f.path("type").asText("file")) ? "folder" : "file";
            String owner;
            String parent;
            if (space.equals("personal")) {
                owner = req(f, "owner");
                String root = UserStore.rootId(h, owner)
                        .orElseThrow(() -> ApiException.invalid("fixture file owner unknown"));
                parent = f.hasNonNull("parent") ? f.get("parent").asText() : root;
            } else if (space.equals("app")) {
                owner = req(f, "app_id");
                if (!AppStore.exists(h, owner)) {
                    throw ApiException.invalid("fixture file app unknown");
                }
                parent = f.hasNonNull("parent") ? f.get("parent").asText() : "";
            } else {
                throw ApiException.invalid("space must be personal or app");
            }
            if (!parent.isEmpty()
                    && FileStore.find(h, parent).filter(FileRecord::isFolder).isEmpty()) {
                throw ApiException.invalid("fixture file parent " + parent + " unknown");
            }
            if ("folder".equals(kind)) {
                // the same 64-level cap as the API; the whole document is refused, nothing of it applied
                FolderDepth.require(FolderDepth.of(h, parent) + 1);
            }
            long ctime = f.path("ctime").asLong(now);
            long mtime = f.path("mtime").asLong(ctime);
            String creator = f.has("creator") ? f.get("creator").toString() : null;
            String modifier = f.has("modifier") ? f.get("modifier").toString() : null;
            String ct = f.hasNonNull("content_type")
                    ? f.get("content_type").asText()
                    : space.equals("app") ? ContentTypes.OCTET : ContentTypes.of(name);
            JsonNode dl = f.get("download");
            List<JsonNode> versions = list(f, "versions");
            for (JsonNode v : versions) {
                BlobRecord vb = contentOf.get(v);
                if (vb != null) {
                    BlobIndexStore.record(h, vb);
                }
                FileStore.insertVersion(
                        h,
                        new FileRecord(
                                id,
                                space,
                                owner,
                                parent,
                                name,
                                kind,
                                vb == null ? 0 : vb.size(),
                                vb == null ? null : vb.key(),
                                ct,
                                v.path("version").asLong(),
                                null,
                                v.has("modifier") ? v.get("modifier").toString() : modifier,
                                null,
                                v.path("ctime").asLong(ctime),
                                v.path("mtime").asLong(mtime),
                                null,
                                null,
                                null,
                                null));
            }
            BlobRecord b = contentOf.get(f);
            if (b != null) {
                BlobIndexStore.record(h, b);
            }
            boolean online = kind.equals("file") && FileNames.isOnline(name);
            FileRecord rec = new FileRecord(
                    id,
                    space,
                    owner,
                    parent,
                    name,
                    kind,
                    b == null || online ? 0 : b.size(),
                    b == null || online ? null : b.key(),
                    ct,
                    f.path("version").asLong(1),
                    creator,
                    modifier,
                    null,
                    ctime,
                    mtime,
                    null,
                    dl == null ? null : req(dl, "url"),
                    dl == null ? null : dl.path("fsize").asLong(),
                    dl == null ? null : dl.path("sha1").asText());
            if (FileStore.child(h, space, owner, parent, name).isPresent()) {
                // a clear refusal of the whole document rather than the unique index's 30004
                throw ApiException.invalid("fixture file " + id + ": its folder already holds a file named " + name);
            }
            FileStore.insert(h, rec);
            JsonNode link = f.get("link");
            if (link != null && !link.isNull()) {
                String sid = req(link, "sid");
                LinkStore.upsert(
                        h,
                        new LinkRecord(
                                id,
                                sid,
                                link.path("permission").asText("read"),
                                Json.stringList(link, "ext_perm_list").orElse(List.of()),
                                link.path("status").asText("open"),
                                link.path("expire_time").asLong(0),
                                now));
            }
        }
        return list.size();
    }

    private void applyNext(Handle h, JsonNode next) {
        if (next == null || next.isNull()) {
            return;
        }
        Set<String> kinds = Set.of(
                IdGenerator.FILE_TOKEN,
                IdGenerator.SID,
                IdGenerator.CODE,
                IdGenerator.ACCESS_TOKEN,
                IdGenerator.REFRESH_TOKEN,
                IdGenerator.EDIT_TOKEN);
        next.fields().forEachRemaining(e -> {
            if (!kinds.contains(e.getKey()) || !e.getValue().isArray()) {
                throw ApiException.invalid("next." + e.getKey() + " is not a known id queue");
            }
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            PinnedIdStore.append(h, e.getKey(), values);
        });
    }

    private static String req(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw ApiException.invalid("fixture field " + field + " is required");
        }
        return v.asText();
    }
}
