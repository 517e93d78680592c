package io.yundoc.server.appspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.protocol.Hex;
import io.yundoc.server.api.ApiRouter;
import io.yundoc.server.api.Call;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.MultipartReader;
import io.yundoc.server.quota.Tier;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** App-space routes over WPS-2 (api.md §5.9). */
public final class AppSpaceRoutes {
    private static final String BASE = "/api/v1/openapi/appspace/files";
    private final AppSpaceService service;
    private final ApiRouter router;

    public AppSpaceRoutes(AppSpaceService service, ApiRouter router) {
        this.service = service;
        this.router = router;
    }

    public void routes() {
        router.signed(Method.POST, BASE + "/upload", Tier.WRITE, true, this::upload);
        router.signed(Method.POST, BASE, Tier.WRITE, false, this::create);
        router.signed(Method.GET, BASE + "/:file_token", Tier.READ, false,
                c -> c.ok(AppSpaceService.info(service.file(c.app(), c.fileId("file_token")))));
    }

    private void create(Call c) {
        ObjectNode body = c.json(true);
        String filename = Json.text(body, "filename").orElseThrow(() -> ApiException.invalid("filename is required"));
        c.ok(service.create(c.app(), filename, folder(body), creator(body.get("creator"))));
    }

    private static AppSpaceService.Folder folder(ObjectNode body) {
        String parentToken = body.has("parent_token") && !body.get("parent_token").isNull()
                ? Json.text(body, "parent_token").orElse("") : null;
        if (parentToken != null && !parentToken.isEmpty() && !io.yundoc.protocol.Ids.accepted(parentToken)) {
            throw ApiException.notFound();
        }
        return new AppSpaceService.Folder(parentToken, Json.stringList(body, "parent_path").orElse(List.of()));
    }

    /** The creator as the client sent it, kept as raw JSON; only scalars are accepted. */
    private static String creator(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw ApiException.invalid("creator must be a string or number");
        }
        return n.toString();
    }

    private void upload(Call c) throws IOException {
        String boundary = MultipartReader.boundary(c.header("Content-Type").orElse(null));
        MessageDigest md5 = Hex.digest("MD5");
        InputStream raw = new DigestInputStream(c.bodyStream(), md5);
        MultipartReader.Result<BlobStore.PendingBlob> form = MultipartReader.read(raw, boundary, "file",
                (part, in) -> service.content().receive(in));
        try (BlobStore.PendingBlob blob = form.file()) {
            raw.transferTo(java.io.OutputStream.nullOutputStream()); // the epilogue is part of the signed body too
            router.verifyBody(c, Hex.of(md5.digest()));
            if (blob == null) {
                throw ApiException.invalid("multipart part \"file\" with a filename is required");
            }
            String name = c.header("Content-Disposition")
                    .map(v -> {
                        var p = MultipartReader.HeaderParams.parse(v);
                        String ext = p.get("filename*") == null ? null : MultipartReader.decode5987(p.get("filename*"));
                        return ext != null ? ext : p.get("filename");
                    })
                    .filter(s -> !s.isEmpty())
                    .orElse(form.filePart().filename());
            String parentToken = form.fields().containsKey("parent_token") ? form.first("parent_token") : null;
            List<String> path = new ArrayList<>();
            for (String v : form.all("parent_path")) {
                for (String s : v.split(",")) {
                    if (!s.isBlank()) {
                        path.add(s.trim());
                    }
                }
            }
            String creator = form.first("creator");
            c.ok(service.upload(c.app(), name, new AppSpaceService.Folder(parentToken, path), form.filePart().contentType(),
                    creator == null ? null : Json.writeString(creator), blob));
        }
    }
}
