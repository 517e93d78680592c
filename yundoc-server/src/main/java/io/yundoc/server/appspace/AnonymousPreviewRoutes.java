package io.yundoc.server.appspace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Ids;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.auth.Wps2Authenticator;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.MultipartReader;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.quota.Tier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Anonymous preview over WPS-2 (api-families.md §F4.1): the three task variants (app-space file, URL, upload), each
 * under both documented paths (with and without {@code preview/}) and both GET and POST; token refresh and cancel;
 * the task query. The page the answers point at is {@code /a/<task_id>?token=} (the {@code web} package).
 */
public final class AnonymousPreviewRoutes implements ApiRoutes {
    private static final String BASE = "/api/v1/openapi/anonymous";
    private final AnonymousPreviewService service;
    private final AppSpaceService appSpace;
    private final Wps2Authenticator wps2;
    private final ServerClock clock;

    public AnonymousPreviewRoutes(
            AnonymousPreviewService service, AppSpaceService appSpace, Wps2Authenticator wps2, ServerClock clock) {
        this.service = service;
        this.appSpace = appSpace;
        this.wps2 = wps2;
        this.clock = clock;
    }

    @Override
    public void routes(Routes r) {
        for (String prefix : new String[] {BASE + "/preview", BASE}) {
            for (Method m : new Method[] {Method.POST, Method.GET}) {
                r.signed(m, prefix + "/appspace/with_token", Tier.WRITE, false, this::appspace);
                r.signed(m, prefix + "/cloud/with_token", Tier.WRITE, false, this::cloud);
            }
            r.signed(Method.POST, prefix + "/local/with_token", Tier.WRITE, true, this::local);
        }
        r.signed(Method.POST, BASE + "/token", Tier.WRITE, false, this::refresh);
        r.signed(Method.DELETE, BASE + "/token/:token", Tier.WRITE, false, c -> {
            service.cancel(c.app(), c.param("token"));
            c.ok(Map.of());
        });
        r.signed(
                Method.GET,
                BASE + "/tasks/:task_id",
                Tier.READ,
                false,
                c -> c.ok(task(c, service.task(c.app(), c.param("task_id")))));
    }

    private void appspace(Call c) {
        ObjectNode body = c.json(true);
        String fileToken = Json.text(body, "file_token")
                .filter(s -> !s.isEmpty())
                .orElseThrow(() -> ApiException.invalid("file_token is required"));
        if (!Ids.accepted(fileToken)) {
            service.requireEnabled(c.app());
            throw ApiException.notFound();
        }
        c.ok(task(
                c,
                service.forAppFile(
                        c.app(), fileToken, Json.bool(body, "download").orElse(false))));
    }

    private void cloud(Call c) {
        ObjectNode body = c.json(true);
        String url = Json.text(body, "url")
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> ApiException.invalid("url is required"));
        String filename = Json.text(body, "filename").orElseThrow(() -> ApiException.invalid("filename is required"));
        c.ok(task(
                c,
                service.forUrl(
                        c.app(), url, filename, Json.bool(body, "download").orElse(false))));
    }

    /**
     * Row 3: multipart {@code file}, {@code filename}, {@code download}. The document's name: the request's
     * {@code Content-Disposition} header (unsigned) first, then the form's {@code filename}, then the file part's own
     * name; none → 10001. The signature covers the whole body, checked once it has been read (api.md §1.5).
     */
    private void local(Call c) throws IOException {
        service.requireEnabled(c.app());
        AppSpaceRoutes.HashingInputStream raw = new AppSpaceRoutes.HashingInputStream(c.bodyStream());
        MultipartReader.Result<BlobStore.PendingBlob> form;
        try {
            String boundary = MultipartReader.boundary(c.header("Content-Type").orElse(null));
            form = MultipartReader.read(raw, boundary, "file", (part, in) -> appSpace.receive(in));
        } catch (ApiException e) {
            if (e.code() == ErrorCode.INVALID_ARGUMENT
                    && AppSpaceRoutes.drain(raw, appSpace.maxUpload() + (1 << 20) - raw.count)) {
                wps2.verifyBody(c.signature(), raw.md5(), raw.count);
            }
            throw e;
        }
        try (BlobStore.PendingBlob blob = form.file()) {
            raw.transferTo(OutputStream.nullOutputStream());
            wps2.verifyBody(c.signature(), raw.md5(), raw.count);
            if (blob == null) {
                throw ApiException.invalid("multipart part \"file\" is required");
            }
            String name = c.header("Content-Disposition")
                    .map(v -> {
                        var p = MultipartReader.HeaderParams.parse(v);
                        String ext = p.get("filename*") == null ? null : MultipartReader.decode5987(p.get("filename*"));
                        return ext != null ? ext : p.get("filename");
                    })
                    .filter(s -> !s.isEmpty())
                    .or(() -> Optional.ofNullable(form.first("filename")).filter(s -> !s.isEmpty()))
                    .or(() -> Optional.ofNullable(form.filePart().filename()).filter(s -> !s.isEmpty()))
                    .orElseThrow(() -> ApiException.invalid(
                            "no document name: Content-Disposition, filename or the file part's name"));
            String download = form.first("download");
            c.ok(task(
                    c,
                    service.forUpload(
                            c.app(),
                            name,
                            blob,
                            download != null && !download.isEmpty() && Json.parseBool("download", download))));
        }
    }

    private void refresh(Call c) {
        ObjectNode body = c.json(true);
        String token = Json.text(body, "token")
                .filter(s -> !s.isEmpty())
                .orElseThrow(() -> ApiException.invalid("token is required"));
        AnonymousPreviewService.Issued i = service.refresh(c.app(), token);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", i.token());
        m.put("timeout", Math.max(0, i.expiresAt() - clock.millis()));
        m.put("expire_time", i.expiresAt() / 1000);
        m.put("url", url(c, i));
        c.ok(m);
    }

    /** The task object of api-families.md §F4.2. */
    private Map<String, Object> task(Call c, AnonymousPreviewService.Issued i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task_id", i.taskId());
        m.put("status", "success");
        m.put("token", i.token());
        m.put("timeout", Math.max(0, i.expiresAt() - clock.millis()));
        m.put("expire_time", i.expiresAt() / 1000);
        m.put("url", url(c, i));
        return m;
    }

    private static String url(Call c, AnonymousPreviewService.Issued i) {
        return c.baseUrl() + "/a/" + i.taskId() + "?token=" + URLEncoder.encode(i.token(), StandardCharsets.UTF_8);
    }
}
