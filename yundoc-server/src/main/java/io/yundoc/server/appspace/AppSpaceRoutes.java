package io.yundoc.server.appspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.Method;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Hex;
import io.yundoc.protocol.Ids;
import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.Envelope;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.auth.EditTokenService;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.auth.TokenService;
import io.yundoc.server.auth.Wps2Authenticator;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.MultipartReader;
import io.yundoc.server.files.DownloadService;
import io.yundoc.server.files.FileNames;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.quota.Tier;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** App-space routes over WPS-2 (api.md §5.9, catalogue rows 25–35). */
public final class AppSpaceRoutes implements ApiRoutes {
    private static final String BASE = "/api/v1/openapi/appspace/files";
    private static final int MAX_BATCH = 100;
    private final AppSpaceService service;
    private final Wps2Authenticator wps2;
    private final DownloadService downloads;

    private final TokenService tokens;
    private final EditTokenService editTokens;

    /**
     * The answers of the file-info route, rendered once per file row. The row cache (embedded mode) hands out the
     * same {@link FileRecord} instance until a write, so an answer is reused only for the very row it was rendered
     * from; a new row, or scale-out mode (a fresh row per read), renders again.
     */
    private final ConcurrentHashMap<String, Rendered> rendered = new ConcurrentHashMap<>();

    public AppSpaceRoutes(
            AppSpaceService service,
            Wps2Authenticator wps2,
            DownloadService downloads,
            TokenService tokens,
            EditTokenService editTokens) {
        this.service = service;
        this.wps2 = wps2;
        this.downloads = downloads;
        this.tokens = tokens;
        this.editTokens = editTokens;
    }

    @SuppressWarnings("ArrayRecordComponent") // a cache entry, never compared: equality of the bytes does not matter
    private record Rendered(FileRecord source, byte[] json) {}

    @SuppressWarnings("ReferenceEquality") // identity is the point: the very row instance the answer was rendered from
    private void info(Call c) {
        FileRecord f = service.file(c.reads(), c.app(), c.fileId("file_token"));
        Rendered r = rendered.get(f.fileId());
        if (r == null || r.source() != f) {
            r = new Rendered(f, Json.write(Envelope.Ok.of(AppSpaceService.info(f))));
            if (rendered.size() >= 10_000) {
                rendered.clear();
            }
            rendered.put(f.fileId(), r);
        }
        c.okRendered(r.json());
    }

    @Override
    public void routes(Routes r) {
        r.signed(Method.POST, BASE + "/upload", Tier.WRITE, true, this::upload);
        r.signed(Method.POST, BASE, Tier.WRITE, false, this::create);
        r.signed(Method.GET, BASE + "/:file_token", Tier.READ, false, this::info);
        // a ?file_token= in the query (as the docs' example sends) is ignored: the path wins (api.md §1.6)
        r.signed(
                Method.GET,
                BASE + "/:file_token/download",
                Tier.WRITE,
                false,
                c -> c.ok(downloads.answer(
                        c.reads(), service.file(c.reads(), c.app(), c.fileId("file_token")), c.baseUrl())));
        r.signed(Method.GET, BASE + "/:file_token/versions", Tier.READ, false, this::versions);
        r.signed(Method.GET, BASE + "/:file_token/versions/:version", Tier.READ, false, c -> {
            long v = version(c.param("version"));
            FileRecord f = service.versionedFile(c.app(), c.fileId("file_token"));
            c.ok(AppSpaceService.info(f, service.version(f, v)));
        });
        r.signed(
                Method.GET, BASE + "/:file_token/versions/:version/download", Tier.WRITE, false, this::versionDownload);
        r.signed(Method.POST, BASE + "/:file_token/versions/:version/revert", Tier.WRITE, false, c -> {
            long v = version(c.param("version"));
            c.ok(service.revert(c.app(), c.fileId("file_token"), v));
        });
        r.signed(Method.DELETE, BASE + "/:file_token/destroy", Tier.WRITE, false, c -> {
            modifier(c.json(false).get("modifier")); // optional; validated, nothing keeps it after a permanent delete
            service.destroy(c.app(), c.fileId("file_token"));
            c.okNoData();
        });
        r.signed(Method.POST, "/api/v1/openapi/appspace/tasks/files/move", Tier.WRITE, false, this::move);
        r.signed(Method.GET, BASE + "/:file_token/url/with_edit_token", Tier.WRITE, false, this::urlWithEditToken);
    }

    /**
     * A {@code :version} path value: a positive integer, else 10001. One too large to exist (beyond 2^63 - 1) is a
     * well-formed version that no file has → 30012.
     */
    static long version(String raw) {
        if (raw == null || raw.isEmpty() || !raw.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw ApiException.invalid("version must be a positive integer");
        }
        String digits = raw.replaceFirst("^0+", "");
        if (digits.isEmpty()) {
            throw ApiException.invalid("version must be a positive integer");
        }
        if (digits.length() > 19 || new BigInteger(digits).compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0) {
            throw new ApiException(ErrorCode.FILE_NOT_EXISTS, "no such version");
        }
        return Long.parseLong(digits);
    }

    private void versions(Call c) {
        long offset = c.query("offset").map(v -> nonNegative("offset", v)).orElse(0L);
        long count = c.query("count").map(v -> nonNegative("count", v)).orElse(10L);
        if (count <= 0) {
            throw ApiException.invalid("count must be positive");
        }
        FileRecord f = service.versionedFile(c.app(), c.fileId("file_token"));
        AppSpaceService.VersionPage page = service.versions(f, offset, (int) Math.min(count, 100));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("versions", page.versions());
        data.put("next_offset", page.nextOffset());
        c.ok(data);
    }

    private static long nonNegative(String name, String v) {
        String t = v.trim();
        if (t.isEmpty() || t.length() > 19 || !t.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw ApiException.invalid(name + " must be a non-negative integer");
        }
        return Long.parseLong(t);
    }

    private void versionDownload(Call c) {
        long v = version(c.param("version"));
        FileRecord f = service.versionedFile(c.app(), c.fileId("file_token"));
        if (v == f.version()) {
            c.ok(downloads.answer(c.reads(), f, c.baseUrl())); // the current version, pinned answers included
            return;
        }
        FileVersion ver = service.version(f, v);
        if (ver.blobKey() == null || FileNames.isOnline(ver.name())) {
            throw new ApiException(ErrorCode.ONLINE_FILE_TYPE, "online documents have no bytes to download");
        }
        c.ok(downloads.answer(f.fileId(), ver.blobKey(), ver.name(), c.baseUrl()));
    }

    private void move(Call c) {
        ObjectNode body = c.json(true);
        List<String> tokens =
                Json.stringList(body, "file_tokens").orElseThrow(() -> ApiException.invalid("file_tokens is required"));
        tokens = new ArrayList<>(new LinkedHashSet<>(tokens)); // duplicates collapsed
        if (tokens.isEmpty() || tokens.size() > MAX_BATCH) {
            throw ApiException.invalid("file_tokens must hold 1 to " + MAX_BATCH + " tokens");
        }
        if (!body.has("parent_token") || body.get("parent_token").isNull()) {
            throw ApiException.invalid("parent_token is required (\"\" for the root)");
        }
        String parent = Json.text(body, "parent_token").orElse("");
        String modifier = modifier(body.get("modifier"));
        for (String t : tokens) {
            if (!Ids.accepted(t)) {
                throw ApiException.notFound();
            }
        }
        if (!parent.isEmpty() && !Ids.accepted(parent)) {
            throw ApiException.notFound();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", "");
        data.put("file_tokens", service.move(c.app(), tokens, parent, modifier));
        c.ok(data);
    }

    /** {@code modifier} as the client sent it, kept as raw JSON (a string stays a string); only scalars. */
    private static String modifier(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw ApiException.invalid("modifier must be a string or number");
        }
        return n.toString();
    }

    private void create(Call c) {
        ObjectNode body = c.json(true);
        String filename = Json.text(body, "filename").orElseThrow(() -> ApiException.invalid("filename is required"));
        c.ok(service.create(c.app(), filename, folder(body), creator(body.get("creator"))));
    }

    private static AppSpaceService.Folder folder(ObjectNode body) {
        String parentToken =
                body.has("parent_token") && !body.get("parent_token").isNull()
                        ? Json.text(body, "parent_token").orElse("")
                        : null;
        if (parentToken != null && !parentToken.isEmpty() && !Ids.accepted(parentToken)) {
            throw ApiException.notFound();
        }
        return new AppSpaceService.Folder(
                parentToken, Json.stringList(body, "parent_path").orElse(List.of()));
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
        HashingInputStream raw = new HashingInputStream(c.bodyStream());
        MultipartReader.Result<BlobStore.PendingBlob> form;
        try {
            String boundary = MultipartReader.boundary(c.header("Content-Type").orElse(null));
            form = MultipartReader.read(raw, boundary, "file", (part, in) -> service.receive(in));
        } catch (ApiException e) {
            if (e.code() == ErrorCode.INVALID_ARGUMENT) {
                // a malformed body is a parameter error, and the signature is checked first (api.md §1.5): read the
                // rest (within the upload limit) so step 6 sees every byte, then report whichever failed first
                long limit = service.maxUpload() + (1 << 20);
                if (drain(raw, limit - raw.count)) {
                    wps2.verifyBody(c.signature(), raw.md5(), raw.count);
                }
            }
            throw e;
        }
        try (BlobStore.PendingBlob blob = form.file()) {
            raw.transferTo(OutputStream.nullOutputStream()); // the epilogue is part of the signed body too
            wps2.verifyBody(c.signature(), raw.md5(), raw.count);
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
                for (String s : v.split(",", -1)) {
                    if (!s.isBlank()) {
                        path.add(s.trim());
                    }
                }
            }
            String creator = form.first("creator");
            c.ok(service.upload(
                    c.app(),
                    name,
                    new AppSpaceService.Folder(parentToken, path),
                    form.filePart().contentType(),
                    creator == null ? null : Json.writeString(creator),
                    blob));
        }
    }

    /** Reads and drops up to {@code max} bytes; true when the stream ended within them. */
    static boolean drain(InputStream in, long max) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = max;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                return true;
            }
            left -= n;
        }
        return in.read() < 0;
    }

    /**
     * The raw body as received, hashed (md5, for step 6) and counted on the way through. {@code skip} reads too, so
     * no byte can bypass the hash.
     */
    static final class HashingInputStream extends FilterInputStream {
        private final MessageDigest md5 = Hex.digest("MD5");
        long count;

        HashingInputStream(InputStream in) {
            super(in);
        }

        String md5() {
            return Hex.of(md5.digest());
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (DataReader.InsufficientDataAvailableException e) {
                // the client closed the connection before sending the whole body: an incomplete request, not a fault
                throw ApiException.invalid("request body ended before its declared length");
            }
            if (n > 0) {
                count += n;
                md5.update(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
            long done = 0;
            while (done < n) {
                int k = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (k < 0) {
                    break;
                }
                done += k;
            }
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    /**
     * Row 35: WPS-2 and, in addition, a user's access token with {@code user_basic} issued to the signing app
     * (20007 otherwise). No ownership check: app files are not user files (api.md §5.8).
     */
    private void urlWithEditToken(Call c) {
        String token = c.query("access_token")
                .filter(t -> !t.isEmpty())
                .or(() -> c.header("Authorization")
                        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                        .map(h -> h.substring(7).trim()))
                .orElse(null);
        Principal p = tokens.authenticate(token);
        if (!p.appId().equals(c.app().appId())) {
            throw new ApiException(ErrorCode.ACCESS_TOKEN_INVALID, "access_token belongs to another app");
        }
        if (p.userDisabled()) {
            throw new ApiException(ErrorCode.USER_ACCOUNT_RESTRICTED, "user account is disabled");
        }
        if (!p.scopes().contains(Scope.USER_BASIC)) {
            throw ApiException.denied("scope user_basic not granted");
        }
        var f = service.file(c.reads(), c.app(), c.fileId("file_token"));
        if (f.isFolder()) {
            throw ApiException.invalid("a folder has no view page");
        }
        String edit = editTokens.issue(c.app().appId(), p.userId());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", c.baseUrl() + "/v/" + f.fileId() + "?token=" + edit);
        m.put("token", edit);
        m.put("timeout", EditTokenService.TIMEOUT_MILLIS);
        c.ok(m);
    }
}
