package io.yundoc.server.files;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.protocol.Scope;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.quota.Tier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Personal-drive routes of api.md §5.3 and §5.6: listings, searches, rename, delete, batch tasks, recycle bin. */
public final class DriveRoutes implements ApiRoutes {
    private static final String P = "/api/v1/openapi/personal";
    private final DriveService drive;
    private final CloudImporter cloud;

    public DriveRoutes(DriveService drive, CloudImporter cloud) {
        this.drive = drive;
        this.cloud = cloud;
    }

    @Override
    public void routes(Routes r) {
        r.token(
                Method.GET,
                P + "/files",
                Scope.ACCESS_PERSONAL_FILES,
                Tier.READ,
                c -> c.ok(
                        drive.list(c.principal(), parentId(c), paging(c, false)).wire(true)));
        r.token(
                Method.GET,
                P + "/files/flat",
                Scope.ACCESS_PERSONAL_FILES,
                Tier.READ,
                c -> c.ok(drive.flat(c.principal(), c.queryList("exts"), paging(c, true))
                        .wire(true)));
        r.token(
                Method.GET,
                P + "/apps/files",
                Scope.ACCESS_PERSONAL_FILES,
                Tier.READ,
                c -> c.ok(
                        drive.apps(c.principal(), parentId(c), paging(c, false)).wire(true)));
        r.token(
                Method.GET,
                P + "/files/recent",
                Scope.ACCESS_PERSONAL_FILES,
                Tier.READ,
                c -> c.ok(drive.recent(c.principal(), count(c), offset(c)).wire(false)));
        r.token(
                Method.GET,
                P + "/files/search/name",
                Scope.ACCESS_PERSONAL_FILES,
                Tier.READ,
                c -> c.ok(drive.searchName(
                                c.principal(), c.query("file_name").orElse(null), parentId(c), count(c), offset(c))
                        .wire(false)));
        r.token(
                Method.GET,
                P + "/files/search/content",
                Scope.ACCESS_PERSONAL_FILES,
                Tier.READ,
                c -> c.ok(drive.searchContent(
                                c.principal(), c.query("content").orElse(null), parentId(c), count(c), offset(c))
                        .wire(false)));
        r.token(Method.POST, P + "/files/cloud", Scope.CREATE_PERSONAL_FILES, Tier.WRITE, c -> {
            ObjectNode body = c.json(true);
            String url = Json.text(body, "url").orElseThrow(() -> ApiException.invalid("url is required"));
            String filename =
                    Json.text(body, "filename").orElseThrow(() -> ApiException.invalid("filename is required"));
            Placement where = FileService.placement(
                    Json.text(body, "parent_id").orElse(null),
                    Json.stringList(body, "parent_path").orElse(List.of()),
                    Json.bool(body, "path_from_root").orElse(false));
            c.ok(cloud.importUrl(c.principal(), url, filename, where).toItem());
        });
        r.token(Method.PUT, P + "/files/:file_token/name", Scope.MODIFY_PERSONAL_FILES, Tier.WRITE, this::rename);
        r.token(Method.DELETE, P + "/files/:file_token", Scope.REMOVE_PERSONAL_FILES, Tier.WRITE, c -> {
            drive.delete(c.principal(), List.of(c.fileId("file_token")));
            c.ok(Map.of());
        });
        r.token(Method.POST, P + "/tasks/files/delete", Scope.REMOVE_PERSONAL_FILES, Tier.WRITE, c -> {
            List<String> ids = DriveService.batchIds(list(c.json(true), "file_ids"), "file_ids");
            drive.delete(c.principal(), ids);
            c.ok(task(ids));
        });
        r.token(Method.POST, P + "/tasks/files/move", Scope.MODIFY_PERSONAL_FILES, Tier.WRITE, c -> {
            ObjectNode body = c.json(true);
            List<String> ids = DriveService.batchIds(list(body, "file_ids"), "file_ids");
            c.ok(task(
                    drive.move(c.principal(), ids, Json.text(body, "parent_id").orElse(null))));
        });
        r.token(Method.POST, P + "/tasks/files/copy", Scope.CLONE_PERSONAL_FILES, Tier.WRITE, c -> {
            ObjectNode body = c.json(true);
            List<String> ids = DriveService.batchIds(list(body, "file_ids"), "file_ids");
            c.ok(task(
                    drive.copy(c.principal(), ids, Json.text(body, "parent_id").orElse(null))));
        });
        r.token(Method.GET, P + "/recycles", Scope.ACCESS_PERSONAL_FILES, Tier.READ, c -> {
            long off = offset(c);
            if (Listing.issued(off)) {
                throw ApiException.invalid("offset out of range");
            }
            List<Object> items = new ArrayList<>();
            drive.recycles(c.principal(), count(c), off).forEach(f -> items.add(f.toItem()));
            c.ok(items);
        });
        r.token(Method.POST, P + "/recycles/recover", Scope.MODIFY_PERSONAL_FILES, Tier.WRITE, c -> {
            List<String> ids = DriveService.batchIds(list(c.json(true), "file_tokens"), "file_tokens");
            drive.recover(c.principal(), ids);
            c.ok(Map.of());
        });
    }

    private void rename(Call c) {
        ObjectNode body = c.json(true);
        String name = Json.text(body, "new_name").orElseThrow(() -> ApiException.invalid("new_name is required"));
        c.ok(drive.rename(c.principal(), c.fileId("file_token"), name).toItem());
    }

    private static Map<String, Object> task(List<String> ids) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task_id", "");
        m.put("file_ids", ids);
        return m;
    }

    private static List<String> list(ObjectNode body, String field) {
        var n = body.get(field);
        if (n != null && !n.isNull() && !n.isArray() && !n.isTextual()) {
            throw ApiException.invalid(field + " must be a list of ids");
        }
        return Json.stringList(body, field).orElseThrow(() -> ApiException.invalid(field + " is required"));
    }

    /** {@code parent_id}, or its legacy alias {@code open_parentid} (api.md §1.6). */
    static String parentId(Call c) {
        Optional<String> v = c.query("parent_id");
        if (v.isEmpty() || v.get().isEmpty()) {
            v = c.query("open_parentid");
        }
        return v.filter(s -> !s.isEmpty()).orElse(null);
    }

    static int count(Call c) {
        Optional<String> v = c.query("count");
        if (v.isEmpty() || v.get().isEmpty()) {
            return Listing.DEFAULT_COUNT;
        }
        long n = Json.parseLong("count", v.get());
        if (n <= 0) {
            throw ApiException.invalid("count must be positive");
        }
        return (int) Math.min(n, Listing.MAX_COUNT);
    }

    static long offset(Call c) {
        Optional<String> v = c.query("offset");
        if (v.isEmpty() || v.get().isEmpty()) {
            return 0;
        }
        long n = Json.parseLong("offset", v.get());
        if (n < 0) {
            throw ApiException.invalid("offset must not be negative");
        }
        return n;
    }

    static DriveService.Paging paging(Call c, boolean groups) {
        String order = c.query("order").orElse("desc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw ApiException.invalid("order must be asc or desc");
        }
        String by = c.query("order_by").orElse("mtime");
        Listing.OrderBy orderBy = switch (by) {
            case "mtime" -> Listing.OrderBy.MTIME;
            case "fname" -> Listing.OrderBy.FNAME;
            case "fsize" -> Listing.OrderBy.FSIZE;
            default -> throw ApiException.invalid("order_by must be mtime, fname or fsize");
        };
        Listing.Segment filter = null;
        Optional<String> f = c.query("filter");
        if (f.isPresent() && !f.get().isEmpty()) {
            filter = Listing.Segment.parse(f.get())
                    .filter(s -> groups || s != Listing.Segment.GROUP)
                    .orElseThrow(() -> ApiException.invalid(
                            groups ? "filter must be group, folder or file" : "filter must be folder or file"));
        }
        List<Listing.Segment> ignore = new ArrayList<>();
        for (String s : c.queryList("ignore")) {
            ignore.add(Listing.Segment.parse(s)
                    .orElseThrow(() -> ApiException.invalid("ignore must be group, folder or file")));
        }
        return new DriveService.Paging(count(c), offset(c), orderBy, order.equals("desc"), filter, ignore);
    }
}
