package io.yundoc.server.drive;

import com.fasterxml.jackson.databind.node.ObjectNode;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Ids;
import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.LinkInfo;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.auth.EditTokenService;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.CallNotes;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.MultipartReader;
import io.yundoc.server.files.BlobCollector;
import io.yundoc.server.files.DownloadService;
import io.yundoc.server.files.DriveService;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileService;
import io.yundoc.server.files.Listing;
import io.yundoc.server.files.Placement;
import io.yundoc.server.links.LinkService;
import io.yundoc.server.oauth.AuthPages;
import io.yundoc.server.oauth.Csrf;
import io.yundoc.server.oauth.Session;
import io.yundoc.server.oauth.SessionService;
import io.yundoc.server.web.PageText;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The web drive at {@code /drive} for a signed-in person (the browser session of the login page, api.md §3.1).
 * Every action calls the same services as the API, as the owner: scopes do not apply to the owner's own session and
 * nothing is metered against an app's quota (design.md "The web drive"). Every POST carries a CSRF token bound to
 * the session (a form field, or the {@code X-CSRF-Token} header of the upload script).
 */
public final class WebDriveRoutes implements ApiRoutes {
    static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);
    /** Same-origin scripts only (htmx and drive.js, served below); the preview frame is this site's /v page. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final String PURPOSE = "drive";
    /** The app id edit tokens of the drive's previews are issued under (they name no real app). */
    static final String WEB_APP = "yundoc-web";

    static final int PAGE = 100;
    private static final Map<String, String[]> ASSETS = Map.of(
            "htmx.min.js", new String[] {"/static/drive/htmx.min.js", "text/javascript; charset=utf-8"},
            "drive.js", new String[] {"/static/drive/drive.js", "text/javascript; charset=utf-8"},
            "drive.css", new String[] {"/static/drive/drive.css", "text/css; charset=utf-8"});
    private static final List<String> NEW_TYPES = List.of("docx", "xlsx", "pptx", "otl", "ksheet", "dbt");
    /** What {@link #apply} answers for a saved link: the dialog opens again on it. */
    private static final String SHARED = "shared:";

    private static final List<String> STATE = List.of("view", "folder", "sort", "order", "q", "mode", "lang");

    private final FileService files;
    private final DriveService drive;
    private final LinkService links;
    private final DownloadService downloads;
    private final EditTokenService editTokens;
    private final BlobCollector collector;
    private final SessionService sessions;
    private final Csrf csrf;
    /** The signed-in person's user row by id. */
    private final Function<String, Optional<UserRecord>> users;

    private final AuthPages auth;
    private final ZoneId zone;
    private final long maxUpload;
    private final Map<String, byte[]> assetCache = new ConcurrentHashMap<>();

    public WebDriveRoutes(
            FileService files,
            DriveService drive,
            LinkService links,
            DownloadService downloads,
            EditTokenService editTokens,
            BlobCollector collector,
            SessionService sessions,
            Csrf csrf,
            Function<String, Optional<UserRecord>> users,
            AuthPages auth,
            ZoneId zone,
            long maxUpload) {
        this.files = files;
        this.drive = drive;
        this.links = links;
        this.downloads = downloads;
        this.editTokens = editTokens;
        this.collector = collector;
        this.sessions = sessions;
        this.csrf = csrf;
        this.users = users;
        this.auth = auth;
        this.zone = zone;
        this.maxUpload = maxUpload;
    }

    @Override
    public void routes(Routes r) {
        r.open(Method.GET, "/drive", this::page);
        r.open(Method.GET, "/drive/rows", this::rows);
        r.open(Method.GET, "/drive/pick", this::pick);
        r.open(Method.POST, "/drive/upload", this::upload);
        r.open(Method.POST, "/drive/action", this::action);
        r.open(Method.GET, "/drive/download/:file_token", this::download);
        r.open(Method.GET, "/drive/assets/:name", this::asset);
    }

    // ---- who is asking ---------------------------------------------------------------------------------------

    /** The signed-in person as the services' principal: every scope, no app, no token. */
    record Owner(Principal principal, Session session, UserRecord user) {}

    private Optional<Owner> owner(Call c) {
        String raw = c.request()
                .headers()
                .cookies()
                .first(AuthPages.sessionCookieName(c))
                .orElse(null);
        Optional<Session> s = sessions.find(raw);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Optional<UserRecord> u = users.apply(s.get().userId()).filter(x -> !x.disabled());
        if (u.isEmpty()) {
            return Optional.empty();
        }
        UserRecord user = u.get();
        Principal p = new Principal(
                null,
                null,
                "yundoc",
                "formal",
                false,
                null,
                user.userId(),
                user.rootId(),
                false,
                user.nickname(),
                Collections.unmodifiableSet(EnumSet.allOf(Scope.class)));
        CallNotes.of(c.request()).ifPresent(n -> n.caller(null, user.userId()));
        return Optional.of(new Owner(p, s.get(), user));
    }

    private Owner required(Call c) {
        return owner(c).orElseThrow(
                        () -> new ApiException(ErrorCode.USER_UNAUTHORIZED, "not signed in or the session ended"));
    }

    private void checkCsrf(Owner o, String sent) {
        if (!csrf.valid(PURPOSE, o.session().hash(), sent)) {
            throw ApiException.denied(
                    "the form expired or was not sent by this site (CSRF token missing or invalid); reload the page");
        }
    }

    // ---- the page --------------------------------------------------------------------------------------------

    private Map<String, String> state(Call c) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : STATE) {
            c.query(k).filter(v -> !v.isEmpty() && v.length() <= 400).ifPresent(v -> m.put(k, v));
        }
        return m;
    }

    private void page(Call c) {
        Optional<Owner> o = owner(c);
        if (o.isEmpty()) {
            auth.signInFor(c, "h5/auth/login", "drive");
            return;
        }
        Map<String, String> state = state(c);
        String error = c.query("err").filter(v -> v.length() <= 400).orElse(null);
        int status = 200;
        DriveView v;
        try {
            v = view(c, o.get(), state, error);
        } catch (ApiException e) {
            // a folder that went away, a malformed parameter: the root listing with the reason on top
            status = e.httpStatus();
            v = view(c, o.get(), new LinkedHashMap<>(Map.of()), e.code().code() + " " + e.hint());
        }
        render(c, "drive.jte", v, status);
    }

    private DriveView view(Call c, Owner o, Map<String, String> state, String error) {
        Principal p = o.principal();
        String viewName = state.getOrDefault("view", "files");
        long offset = c.query("offset").map(v -> Json.parseLong("offset", v)).orElse(0L);
        List<FileRecord> path = new ArrayList<>();
        FileRecord folder = null;
        List<FileRecord> items;
        long next;
        switch (viewName) {
            case "files" -> {
                folder = folder(p, state.get("folder"));
                path = breadcrumbs(folder);
                Listing.Page pg = drive.list(p, folder.fileId(), paging(state, offset));
                items = pg.files();
                next = pg.nextOffset();
            }
            case "apps" -> {
                Listing.Page pg = drive.appFolders(p, PAGE, offset);
                items = pg.files();
                next = pg.nextOffset();
            }
            case "recent" -> {
                Listing.Page pg = drive.recent(p, PAGE, offset);
                items = pg.files();
                next = pg.nextOffset();
            }
            case "trash" -> {
                items = drive.recycles(p, PAGE, offset);
                next = items.size() < PAGE ? -1 : offset + PAGE;
            }
            case "search" -> {
                String q = state.getOrDefault("q", "");
                if (q.isEmpty()) {
                    items = List.of();
                    next = -1;
                } else {
                    Listing.Page pg = "content".equals(state.get("mode"))
                            ? drive.searchContent(p, q, null, PAGE, offset)
                            : drive.searchNameAnywhere(p, q, null, PAGE, offset);
                    items = pg.files();
                    next = pg.nextOffset();
                }
            }
            default -> throw ApiException.invalid("view must be files, apps, recent, trash or search");
        }
        FileRecord renaming =
                c.query("rename").flatMap(id -> visibleOwned(p, id)).orElse(null);
        DriveView.Share share = c.query("share").map(id -> share(c, o, id)).orElse(null);
        FileRecord preview = c.query("preview")
                .flatMap(id -> visibleOwned(p, id))
                .filter(f -> !f.isFolder())
                .orElse(null);
        String previewUrl = preview == null
                ? null
                : "/v/" + preview.fileId() + "?token="
                        + URLEncoder.encode(editTokens.issue(WEB_APP, p.userId()), StandardCharsets.UTF_8);
        String appsFolder = files.appsFolder(p).map(FileRecord::fileId).orElse(null);
        return new DriveView(
                PageText.of(c.request()),
                o.user().nickname(),
                csrf.token(PURPOSE, o.session().hash()),
                viewName,
                state,
                path,
                folder,
                items,
                next,
                appsFolder,
                error,
                c.query("done").orElse(null),
                renaming,
                share,
                preview,
                previewUrl,
                zone,
                maxUpload);
    }

    private Optional<FileRecord> visibleOwned(Principal p, String id) {
        try {
            return Optional.of(files.owned(p, Ids.accepted(id) ? id : "-"));
        } catch (ApiException e) {
            return Optional.empty();
        }
    }

    private DriveView.Share share(Call c, Owner o, String id) {
        Principal p = o.principal();
        FileRecord f = visibleOwned(p, id).filter(x -> !x.isFolder()).orElseThrow(ApiException::notFound);
        LinkInfo info;
        try {
            info = links.get(c.reads(), p, f.fileId(), c.baseUrl());
        } catch (ApiException e) {
            if (e.code() != ErrorCode.LINK_NOT_EXISTS) {
                throw e;
            }
            return new DriveView.Share(f, null, false, List.of(), o.user().unionId());
        }
        boolean open = links.openLink(f.fileId());
        return new DriveView.Share(
                f, info, open, links.members(p, f.fileId()), o.user().unionId());
    }

    private FileRecord folder(Principal p, String id) {
        String target = id == null || id.isEmpty() ? p.userRootId() : id;
        if (!Ids.accepted(target)) {
            throw ApiException.notFound();
        }
        FileRecord f = files.visible(p, target); // another person's folder is 30012, as if it did not exist
        if (!f.isFolder()) {
            throw ApiException.invalid("not a folder");
        }
        return f;
    }

    /** 我的文档 down to {@code folder}, through the files service's own lookups. */
    private List<FileRecord> breadcrumbs(FileRecord folder) {
        List<FileRecord> out = new ArrayList<>();
        FileRecord cur = folder;
        for (int i = 0; cur != null && i < 100; i++) {
            out.add(0, cur);
            if (cur.parentId() == null || cur.parentId().isEmpty() || "root".equals(cur.kind())) {
                break;
            }
            cur = files.find(cur.parentId()).orElse(null);
        }
        return out;
    }

    private static DriveService.Paging paging(Map<String, String> state, long offset) {
        Listing.OrderBy by = switch (state.getOrDefault("sort", "name")) {
            case "name" -> Listing.OrderBy.FNAME;
            case "size" -> Listing.OrderBy.FSIZE;
            case "mtime" -> Listing.OrderBy.MTIME;
            default -> throw ApiException.invalid("sort must be name, size or mtime");
        };
        boolean desc = "desc".equals(state.get("order"));
        return new DriveService.Paging(PAGE, offset, by, desc, null, List.of());
    }

    /** The next page of rows only (htmx "more" button): the same view, rendered as table rows. */
    private void rows(Call c) {
        Owner o = owner(c).orElse(null);
        if (o == null) {
            c.response().status(401);
            c.response().send();
            return;
        }
        DriveView v = view(c, o, state(c), null);
        render(c, "drive_rows.jte", v, 200);
    }

    /** The folder picker of move and copy: folders of one folder, with "here" as the answer. */
    private void pick(Call c) {
        Optional<Owner> o = owner(c);
        if (o.isEmpty()) {
            auth.signInFor(c, "h5/auth/login", "drive");
            return;
        }
        Principal p = o.get().principal();
        String op = c.query("op")
                .filter(x -> x.equals("move") || x.equals("copy"))
                .orElseThrow(() -> ApiException.invalid("op must be move or copy"));
        List<String> ids = DriveService.batchIds(c.queryList("ids"), "ids");
        FileRecord folder = folder(p, c.query("folder").orElse(null));
        long offset = c.query("offset").map(v -> Json.parseLong("offset", v)).orElse(0L);
        Listing.Page pg = drive.list(
                p,
                folder.fileId(),
                new DriveService.Paging(
                        PAGE,
                        offset,
                        Listing.OrderBy.FNAME,
                        false,
                        Listing.Segment.FOLDER,
                        List.of(Listing.Segment.FILE)));
        List<FileRecord> chosen = new ArrayList<>();
        for (String id : ids) {
            visibleOwned(p, id).ifPresent(chosen::add);
        }
        Map<String, String> state = state(c);
        DriveView v = new DriveView(
                PageText.of(c.request()),
                o.get().user().nickname(),
                csrf.token(PURPOSE, o.get().session().hash()),
                "pick",
                state,
                breadcrumbs(folder),
                folder,
                pg.files().stream().filter(FileRecord::isFolder).toList(),
                pg.nextOffset(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                zone,
                maxUpload);
        StringOutput out = new StringOutput();
        TEMPLATES.render(
                "drive_pick.jte",
                Map.of(
                        "v",
                        v,
                        "op",
                        op,
                        "ids",
                        ids,
                        "chosen",
                        chosen,
                        "back",
                        c.query("back").filter(WebDriveRoutes::local).orElse("/drive")),
                out);
        send(c, 200, out.toString());
    }

    // ---- writes ----------------------------------------------------------------------------------------------

    /** One file of the upload script: multipart, streamed to the blob spool as the API's upload is. */
    private void upload(Call c) throws Exception {
        Owner o = required(c);
        checkCsrf(o, c.header("X-CSRF-Token").orElse(null));
        String folder = c.query("folder").filter(s -> !s.isEmpty()).orElse("0");
        String boundary = MultipartReader.boundary(c.header("Content-Type").orElse(null));
        MultipartReader.Result<BlobStore.PendingBlob> form =
                MultipartReader.read(c.bodyStream(), boundary, "file", (part, in) -> files.receive(in));
        try (BlobStore.PendingBlob blob = form.file()) {
            if (blob == null) {
                throw ApiException.invalid("multipart part \"file\" with a filename is required");
            }
            c.ok(files.upload(o.principal(), form.filePart().filename(), new Placement(folder, List.of(), true), blob)
                    .toItem());
        }
    }

    /** Every form of the page: one {@code op}, then 303 back to the page it came from. */
    private void action(Call c) {
        Owner o = required(c);
        Map<String, String> form = new HashMap<>();
        Map<String, List<String>> all = form(c, form);
        checkCsrf(o, form.get("csrf"));
        String back = Optional.ofNullable(form.get("back"))
                .filter(WebDriveRoutes::local)
                .orElse("/drive");
        Principal p = o.principal();
        String done;
        try {
            done = apply(c, p, form, all);
        } catch (ApiException e) {
            seeOther(c, withParam(back, "err", e.code().code() + " " + e.hint()));
            return;
        }
        if (done.startsWith(SHARED)) {
            // back to the same page with the dialog still open on the link
            String withDialog = back + (back.contains("?") ? "&" : "?") + "share="
                    + URLEncoder.encode(done.substring(SHARED.length()), StandardCharsets.UTF_8);
            seeOther(c, withParam(withDialog, "done", "shared"));
        } else if (done.startsWith("/drive?") || done.startsWith("/drive/pick?")) {
            seeOther(c, done);
        } else {
            seeOther(c, withParam(back, "done", done));
        }
    }

    @SuppressWarnings("RefactorSwitch") // the switch mixes statements and yields on purpose: one case per operation
    private String apply(Call c, Principal p, Map<String, String> form, Map<String, List<String>> all) {
        String op = form.getOrDefault("op", "");
        List<String> ids = all.getOrDefault("ids", List.of());
        switch (op) {
            case "mkdir" -> {
                FileRecord f = files.mkdir(p, form.get("folder"), form.getOrDefault("name", ""));
                return f.name();
            }
            case "newdoc" -> {
                String type = form.getOrDefault("type", "");
                if (!NEW_TYPES.contains(type)) {
                    throw ApiException.invalid("type must be one of " + NEW_TYPES);
                }
                String name = form.getOrDefault("name", "").strip();
                FileRecord f = files.create(
                        p, name + "." + type, new Placement(nonEmpty(form.get("folder"), "0"), List.of(), true));
                return f.name();
            }
            case "rename" -> {
                return drive.rename(p, form.getOrDefault("id", ""), form.getOrDefault("name", ""))
                        .name();
            }
            case "delete" -> {
                drive.delete(p, DriveService.batchIds(ids, "ids"));
                return "deleted";
            }
            case "move" -> {
                drive.move(p, DriveService.batchIds(ids, "ids"), nonEmpty(form.get("target"), p.userRootId()));
                return "/drive?folder=" + nonEmpty(form.get("target"), p.userRootId()) + "&done=moved";
            }
            case "copy" -> {
                drive.copy(p, DriveService.batchIds(ids, "ids"), nonEmpty(form.get("target"), p.userRootId()));
                return "/drive?folder=" + nonEmpty(form.get("target"), p.userRootId()) + "&done=copied";
            }
            case "pickmove", "pickcopy" -> {
                StringBuilder u = new StringBuilder("/drive/pick?op=").append(op.substring(4));
                for (String id : DriveService.batchIds(ids, "ids")) {
                    u.append("&ids=").append(URLEncoder.encode(id, StandardCharsets.UTF_8));
                }
                String folder = form.get("folder");
                if (folder != null && !folder.isEmpty()) {
                    u.append("&folder=").append(URLEncoder.encode(folder, StandardCharsets.UTF_8));
                }
                return u.toString();
            }
            case "restore" -> {
                drive.recover(p, DriveService.batchIds(ids, "ids"));
                return "restored";
            }
            case "purge" -> {
                drive.purgeItems(p, DriveService.batchIds(ids, "ids"));
                collector.collect();
                return "purged";
            }
            case "share" -> {
                ObjectNode body = Json.MAPPER.createObjectNode();
                body.put("range", "anyone");
                body.put("permission", form.getOrDefault("permission", "read"));
                String period = form.getOrDefault("period", "");
                if (!period.isEmpty()) {
                    body.put("period", Json.parseLong("period", period));
                }
                body.put("status", form.getOrDefault("status", "open"));
                body.putArray("ext_perm_list");
                if ("on".equals(form.get("comment"))) {
                    body.withArray("ext_perm_list").add("comment");
                }
                body.put("reset", "on".equals(form.get("reset")));
                String id = form.getOrDefault("id", "");
                links.createOrUpdate(p, id, body, c.baseUrl());
                return SHARED + id;
            }
            case "member" -> {
                // PUT links/members/:user_id (api.md §5.7): the drive is no app, so a member is named by union_id
                ObjectNode body = Json.MAPPER.createObjectNode();
                body.put("permission", form.getOrDefault("permission", ""));
                String id = form.getOrDefault("id", "");
                links.setMember(p, id, form.getOrDefault("member", "").strip(), body);
                return SHARED + id;
            }
            case "unshare" -> {
                links.delete(p, form.getOrDefault("id", ""));
                return "unshared";
            }
            default -> throw ApiException.invalid("unknown op");
        }
    }

    private void download(Call c) {
        Owner o = owner(c).orElse(null);
        if (o == null) {
            seeOther(c, "/drive");
            return;
        }
        FileRecord f = files.visible(o.principal(), c.fileId("file_token"));
        if (f.isFolder()) {
            throw ApiException.invalid("folders cannot be downloaded");
        }
        seeOther(c, downloads.answer(f, c.baseUrl()).url());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static String nonEmpty(String v, String dflt) {
        return v == null || v.isEmpty() ? dflt : v;
    }

    /** A return address on this site's drive only: never another host (no open redirect). */
    static boolean local(String s) {
        return s != null
                && s.length() <= 2000
                && (s.equals("/drive") || s.startsWith("/drive?"))
                && s.chars().noneMatch(ch -> ch < 0x20 || ch == '\\');
    }

    private static String withParam(String url, String k, String v) {
        // drop an earlier err/done so messages do not pile up
        String base = url.replaceAll("([?&])(err|done)=[^&]*", "$1")
                .replaceAll("[?&]+$", "")
                .replace("?&", "?");
        return base + (base.contains("?") ? "&" : "?") + k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    /** The form fields: the first value of each in {@code first}, every value by name returned. */
    private static Map<String, List<String>> form(Call c, Map<String, String> first) {
        Map<String, List<String>> all = new HashMap<>();
        String body = new String(c.body(), StandardCharsets.UTF_8);
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k;
            String v;
            try {
                k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("form body is not valid application/x-www-form-urlencoded");
            }
            first.putIfAbsent(k, v);
            all.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return all;
    }

    private void render(Call c, String template, DriveView v, int status) {
        StringOutput out = new StringOutput();
        TEMPLATES.render(template, Map.of("v", v), out);
        send(c, status, out.toString());
    }

    private static void send(Call c, int status, String html) {
        var res = c.response();
        res.status(status);
        headers(c);
        res.header("Content-Type", "text/html; charset=utf-8");
        res.send(html.getBytes(StandardCharsets.UTF_8));
    }

    private static void headers(Call c) {
        var res = c.response();
        res.header("Content-Security-Policy", CSP);
        res.header("X-Frame-Options", "DENY");
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.header("Cache-Control", "no-store");
    }

    private static void seeOther(Call c, String location) {
        headers(c);
        c.response().status(303);
        c.response().header(HeaderNames.LOCATION, location);
        c.response().send();
    }

    private void asset(Call c) {
        String[] a = ASSETS.get(c.param("name"));
        if (a == null) {
            c.response().status(404);
            c.response().header("Content-Type", "text/plain; charset=utf-8");
            c.response().send("not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] bytes = assetCache.computeIfAbsent(a[0], r -> {
            try (var in = WebDriveRoutes.class.getResourceAsStream(r)) {
                return in.readAllBytes();
            } catch (Exception e) {
                throw new IllegalStateException("missing resource " + r, e);
            }
        });
        c.response().header("Content-Type", a[1]);
        c.response().header("Cache-Control", "public, max-age=300");
        c.response().header("X-Content-Type-Options", "nosniff");
        c.response().send(bytes);
    }
}
