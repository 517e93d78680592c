package io.yundoc.server.files;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.protocol.Scope;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.MultipartReader;
import io.yundoc.server.quota.Tier;
import java.util.ArrayList;
import java.util.List;

/** Personal-drive routes: create, upload, download (api.md §5.4, §5.5). */
public final class PersonalFileRoutes implements ApiRoutes {
    private static final String BASE = "/api/v1/openapi/personal/files";
    private final FileService files;
    private final DownloadService downloads;

    public PersonalFileRoutes(FileService files, DownloadService downloads) {
        this.files = files;
        this.downloads = downloads;
    }

    @Override
    public void routes(Routes r) {
        r.token(Method.POST, BASE + "/upload", Scope.CREATE_PERSONAL_FILES, Tier.WRITE, this::upload);
        r.token(Method.POST, BASE, Scope.CREATE_PERSONAL_FILES, Tier.WRITE, this::create);
        r.token(Method.GET, BASE + "/:file_token/download", Scope.DOWNLOAD_PERSONAL_FILES, Tier.WRITE, this::download);
    }

    private void create(Call c) throws Exception {
        if (MultipartReader.isMultipart(c.header("Content-Type").orElse(null))) {
            upload(c); // the upload page's curl example posts multipart here (api.md §1.6)
            return;
        }
        ObjectNode body = c.json(true);
        String filename = Json.text(body, "filename").orElseThrow(() -> ApiException.invalid("filename is required"));
        Placement where = FileService.placement(
                Json.text(body, "parent_id").orElse(null),
                Json.stringList(body, "parent_path").orElse(List.of()),
                Json.bool(body, "path_from_root").orElse(false));
        c.ok(files.create(c.principal(), filename, where).toItem());
    }

    private void upload(Call c) throws Exception {
        String boundary = MultipartReader.boundary(c.header("Content-Type").orElse(null));
        MultipartReader.Result<BlobStore.PendingBlob> form =
                MultipartReader.read(c.bodyStream(), boundary, "file", (part, in) -> files.receive(in));
        try (BlobStore.PendingBlob blob = form.file()) {
            if (blob == null) {
                throw ApiException.invalid("multipart part \"file\" with a filename is required");
            }
            List<String> path = new ArrayList<>();
            for (String v : form.all("parent_path")) {
                for (String s : v.split(",", -1)) {
                    if (!s.isBlank()) {
                        path.add(s.trim());
                    }
                }
            }
            String fromRoot = form.first("path_from_root");
            Placement where = FileService.placement(
                    form.first("parent_id"),
                    path,
                    fromRoot != null && !fromRoot.isEmpty() && Json.parseBool("path_from_root", fromRoot));
            c.ok(files.upload(c.principal(), form.filePart().filename(), where, blob)
                    .toItem());
        }
    }

    private void download(Call c) {
        FileRecord f = files.visible(c.reads(), c.principal(), c.fileId("file_token"));
        c.ok(downloads.answer(c.reads(), f, c.baseUrl()));
    }
}
