package io.yundoc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yundoc.server.core.OutboundGuard;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A real yundoc server for HTTP-level tests: dev mode, a free port, a fresh data dir, and small helpers to call it.
 * The WPS-2 signer here is written independently of the production verifier on purpose.
 */
public final class TestServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public final YundocServer server;
    public final Path dataDir;
    public final String base;
    public final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private int userCounter;

    public TestServer() {
        this(b -> {});
    }

    public TestServer(Consumer<ServerConfig.Builder> customize) {
        this(customize, InetAddress::getAllByName);
    }

    /** A server whose outbound requests (URL import, webhook deliveries) resolve names with {@code resolver}. */
    public TestServer(Consumer<ServerConfig.Builder> customize, OutboundGuard.Resolver resolver) {
        try {
            dataDir = Files.createTempDirectory("yundoc-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig.Builder b = ServerConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .dataDir(dataDir)
                .dev(true)
                .adminToken("test-admin-token");
        customize.accept(b);
        if (ScaleOutBackends.enabled()) {
            // -Dyundoc.test.mode=scaleout: the same tests against PostgreSQL + S3 + Redis
            ScaleOutBackends.apply(b);
            customize.accept(b); // a test that sets a backend itself keeps its choice
        }
        server = YundocServer.start(b.build(), resolver);
        base = "http://127.0.0.1:" + server.port();
    }

    /** A registered app with its key. */
    public record App(String appId, String appKey) {}

    /** A user with a token carrying the given scopes for {@code app}. */
    public record User(String userId, String token) {}

    public App app(String tier) {
        JsonNode d = adminOk(
                "POST",
                "/apps",
                "{\"name\":\"test app\",\"tier\":\"" + tier + "\",\"redirect_uris\":[\"http://127.0.0.1/cb\"]}");
        return new App(d.get("app_id").asText(), d.get("app_key").asText());
    }

    public App app(String appId, String appKey) {
        JsonNode d = adminOk(
                "POST",
                "/apps",
                "{\"name\":\"demo\",\"tier\":\"test\",\"app_id\":\"" + appId + "\",\"app_key\":\"" + appKey + "\"}");
        return new App(d.get("app_id").asText(), d.get("app_key").asText());
    }

    /** The user's union id (links' member API), read from its row. */
    public String unionId(User u) {
        return userColumn(u, "union_id");
    }

    /** The user's stored password hash, read from its row. */
    public String passwordHash(User u) {
        return userColumn(u, "password_hash");
    }

    /** Through the server's own pool: these tests run on SQLite and, in the scale-out suite, on PostgreSQL. */
    private String userColumn(User u, String column) {
        return server.database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT " + column + " FROM users WHERE user_id = :u")
                        .bind("u", u.userId())
                        .mapTo(String.class)
                        .one());
    }

    public User user(App app, String... scopes) {
        userCounter++;
        String name = "user" + userCounter + "-" + System.nanoTime();
        JsonNode u = adminOk(
                "POST",
                "/users",
                "{\"name\":\"" + name + "\",\"password\":\"password-123\",\"nickname\":\"Nick " + userCounter + "\"}");
        String userId = u.get("user_id").asText();
        String scopeJson = scopes.length == 0
                ? "[\"user_basic\",\"access_personal_files\",\"download_personal_files\","
                        + "\"create_personal_files\",\"edit_personal_files\",\"modify_personal_files\",\"remove_personal_files\",\"clone_personal_files\"]"
                : JSON.valueToTree(List.of(scopes)).toString();
        JsonNode t = adminOk(
                "POST",
                "/tokens",
                "{\"app_id\":\"" + app.appId() + "\",\"user_id\":\"" + userId + "\",\"scopes\":" + scopeJson + "}");
        return new User(userId, t.get("access_token").asText());
    }

    public JsonNode adminOk(String method, String path, String body) {
        HttpResponse<String> r = send(method, "/admin/v1" + path, body, "Authorization", "Bearer test-admin-token");
        JsonNode n = json(r);
        if (r.statusCode() != 200 || n.get("code").asInt() != 0) {
            throw new AssertionError("admin " + method + " " + path + " failed: " + r.statusCode() + " " + r.body());
        }
        return n.get("data");
    }

    /**
     * An open-API call as {@code u}: {@code path} is what follows {@code /api/v1/openapi}, with or without a query of its
     * own; the user's access token is added to it.
     */
    public HttpResponse<String> openapi(User u, String method, String path, String body) {
        return send(
                method,
                "/api/v1/openapi" + path + (path.contains("?") ? "&" : "?") + "access_token=" + u.token(),
                body);
    }

    /** {@link #openapi} that must succeed (HTTP 200, code 0); the answer's {@code data}. */
    public JsonNode openapiOk(User u, String method, String path, String body) {
        HttpResponse<String> r = openapi(u, method, path, body);
        JsonNode n = json(r);
        if (r.statusCode() != 200 || n.path("code").asInt(-1) != 0) {
            throw new AssertionError(method + " " + path + " → HTTP " + r.statusCode() + " " + r.body());
        }
        return n.get("data");
    }

    public HttpResponse<String> send(String method, String path, String body, String... headers) {
        return exchange(
                method,
                path,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body),
                HttpResponse.BodyHandlers.ofString(),
                Duration.ofSeconds(30),
                headers);
    }

    /** One request to the server (or an absolute URL), with header name/value pairs sent as given. */
    public <T> HttpResponse<T> exchange(
            String method,
            String path,
            HttpRequest.BodyPublisher body,
            HttpResponse.BodyHandler<T> handler,
            Duration timeout,
            String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(timeout)
                .method(method, body);
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.build(), handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> sendBytes(String method, String path, byte[] body, String... headers) {
        return exchange(
                method, path, bytes(body), HttpResponse.BodyHandlers.ofByteArray(), Duration.ofMinutes(2), headers);
    }

    private static HttpRequest.BodyPublisher bytes(byte[] body) {
        return body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
    }

    /** Uploads {@code content} as {@code name} into the user's 我的文档 (personal multipart upload); the file's id. */
    public String upload(User u, String name, byte[] content) {
        HttpResponse<byte[]> r = sendBytes(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                multipart("bNd", name, "application/octet-stream", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=bNd");
        JsonNode n;
        try {
            n = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String id = n.path("data").path("id").path("open_id").asText();
        if (n.path("code").asInt(-1) != 0 || id.isEmpty()) {
            throw new AssertionError("upload " + name + " → HTTP " + r.statusCode() + " " + n);
        }
        return id;
    }

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    /** A multipart/form-data body with one file part and optional plain fields (name, value pairs). */
    public static byte[] multipart(
            String boundary, String fileName, String fileContentType, byte[] content, String... fields) {
        var out = new ByteArrayOutputStream();
        try {
            for (int i = 0; i + 1 < fields.length; i += 2) {
                out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n"
                                + fields[i + 1] + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            if (fileName != null) {
                out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                                + "\"\r\n"
                                + (fileContentType == null ? "" : "Content-Type: " + fileContentType + "\r\n") + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.write(content);
                out.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Independent WPS-2 signer for tests: sha1(app_key + Content-Md5 + Content-Type + Date) as lowercase hex. */
    public static String wps2(String appId, String appKey, String contentMd5, String contentType, String date) {
        return "WPS-2:" + appId + ":"
                + hex("SHA-1", (appKey + contentMd5 + contentType + date).getBytes(StandardCharsets.UTF_8));
    }

    public static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server's clock as an RFC 1123 date (the emulator clock may have moved). */
    public String date() {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(
                server.clock().instant().atOffset(ZoneOffset.UTC));
    }

    /**
     * Sends a WPS-2 signed request with body bytes (null = no body) and Content-Type. Without a body Content-Md5 is the
     * md5 of the path and query, as the SDK signs (api.md §3.4 step 7): headers signed over md5("") are spent by the
     * first empty-body write of their second, or by a read before it, whatever the route.
     */
    public HttpResponse<String> signed(App app, String method, String path, byte[] body, String contentType) {
        String md5 = hex("MD5", body == null ? path.getBytes(StandardCharsets.UTF_8) : body);
        String date = date();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(2))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Date", date)
                .header("Content-Md5", md5)
                .header("Content-Type", contentType)
                .header("Authorization", wps2(app.appId(), app.appKey(), md5, contentType, date));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Any request with a byte body (null = none) and a String response; header pairs are sent exactly as given. */
    public HttpResponse<String> sendRaw(String method, String path, byte[] body, String... headers) {
        return exchange(
                method, path, bytes(body), HttpResponse.BodyHandlers.ofString(), Duration.ofMinutes(2), headers);
    }

    /** The four WPS-2 headers for a body (null = empty) signed by {@code app} now, as header name/value pairs. */
    public String[] wps2Headers(App app, byte[] body, String contentType) {
        String md5 = hex("MD5", body == null ? new byte[0] : body);
        String date = date();
        return new String[] {
            "Date",
            date,
            "Content-Md5",
            md5,
            "Content-Type",
            contentType,
            "Authorization",
            wps2(app.appId(), app.appKey(), md5, contentType, date)
        };
    }

    /** True when this run uses the scale-out backends (PostgreSQL, S3, Redis). */
    public static boolean scaleOut() {
        return ScaleOutBackends.enabled();
    }

    @Override
    public void close() {
        server.close();
        try (var walk = Files.walk(dataDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir; the OS cleans it eventually
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers added for the HTTP contract tests (SeedReplayTest, DownloadUrlTest, BadInputTest, QuotaTest,
    // AppSpaceHttpTest). Append-only: nothing above was changed.
    // ---------------------------------------------------------------------------------------------------------

    /** A server on an existing data dir (restart tests): same config defaults as the other constructors. */
    public TestServer(Path existingDataDir, Consumer<ServerConfig.Builder> customize) {
        dataDir = existingDataDir;
        ServerConfig.Builder b = ServerConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .dataDir(dataDir)
                .dev(true)
                .adminToken("test-admin-token");
        customize.accept(b);
        if (ScaleOutBackends.enabled()) {
            ScaleOutBackends.apply(b); // the same data dir gets its schema and prefixes back
            customize.accept(b);
        }
        server = YundocServer.start(b.build());
        base = "http://127.0.0.1:" + server.port();
    }

    /** Stops the server but keeps the data dir, so a new TestServer can be started on it. */
    public void stopKeepingData() {
        server.close();
    }

    /** Like {@link #sendBytes} but the answer is read as a UTF-8 string. */
    public HttpResponse<String> sendBody(String method, String path, byte[] body, String... headers) {
        return exchange(
                method,
                path,
                bytes(body),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8),
                Duration.ofMinutes(2),
                headers);
    }

    /** Moves the dev clock by {@code seconds} (may be negative). */
    public void advanceClock(long seconds) {
        adminOk("POST", "/clock", "{\"advance_seconds\":" + seconds + "}");
    }

    /** Sets the dev clock to an RFC 3339 instant. */
    public void setClock(String rfc3339) {
        adminOk("POST", "/clock", "{\"now\":\"" + rfc3339 + "\"}");
    }

    /** Whether the server's blob store (local or S3) holds content with this SHA-256 key. */
    public boolean blobExists(String key) {
        return server.blobStore().exists(key);
    }

    /** Every regular file under {@code <data>/blobs} (blobs and temp files), as paths relative to it. */
    public SortedSet<String> blobFiles() {
        SortedSet<String> out = new TreeSet<>();
        String schema = ScaleOutBackends.enabled() ? ScaleOutBackends.schemaOf(dataDir) : null;
        if (schema != null) {
            // scale-out: the objects under this server's prefix, and its local spool files
            ScaleOutBackends.S3Mock s3 = ScaleOutBackends.s3();
            try (var c = s3.client()) {
                c.listObjectsV2Paginator(r -> r.bucket(s3.bucket).prefix(schema + "/"))
                        .contents()
                        .forEach(o -> out.add(o.key()));
            }
            addFiles(dataDir.resolve("spool"), "tmp/", out);
            return out;
        }
        addFiles(dataDir.resolve("blobs"), "", out);
        return out;
    }

    private static void addFiles(Path root, String label, SortedSet<String> out) {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            // <id>.lock: a running server's claim on its spool directory (SpoolDir), not content or an upload file
            walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".lock"))
                    .forEach(p -> out.add(label + root.relativize(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An answer read off a raw socket: status line code, the header block and the body bytes. */
    @SuppressWarnings("ArrayRecordComponent") // tests read its parts; two answers are never compared as records
    public record RawResponse(int status, String head, byte[] body) {
        /** First value of a header, matched case-insensitively, or null. */
        public String header(String name) {
            for (String line : head.split("\r\n", -1)) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
                    return line.substring(c + 1).trim();
                }
            }
            return null;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends exactly these request bytes on a fresh connection and reads one response (by Content-Length, chunked
     * framing, or until close). For header spellings and bodies the JDK client would normalise.
     */
    public RawResponse raw(byte[] request) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            var headBytes = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int c = in.read();
                if (c < 0) {
                    throw new AssertionError("connection closed inside the response head: " + headBytes);
                }
                headBytes.write(c);
                matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
            }
            String headAll = headBytes.toString(StandardCharsets.ISO_8859_1);
            String head = headAll.substring(0, headAll.length() - 4);
            int status = Integer.parseInt(head.substring(9, 12));
            RawResponse shell = new RawResponse(status, head, new byte[0]);
            String cl = shell.header("Content-Length");
            String te = shell.header("Transfer-Encoding");
            byte[] body;
            if ((request.length >= 4 && new String(request, 0, 4, StandardCharsets.ISO_8859_1).equals("HEAD"))
                    || status == 204
                    || status == 304) {
                body = new byte[0];
            } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                var out = new ByteArrayOutputStream();
                while (true) {
                    String sizeLine = readLine(in);
                    int semi = sizeLine.indexOf(';');
                    int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    out.write(in.readNBytes(size));
                    readLine(in);
                }
                body = out.toByteArray();
            } else if (cl != null) {
                body = in.readNBytes(Integer.parseInt(cl.trim()));
            } else {
                body = in.readAllBytes();
            }
            return new RawResponse(status, head, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        var b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A fresh access token for an existing user (e.g. after the dev clock moved past the old token's expiry). */
    public User token(App app, String userId, String... scopes) {
        String scopeJson = scopes.length == 0
                ? "[\"user_basic\",\"access_personal_files\",\"download_personal_files\","
                        + "\"create_personal_files\",\"edit_personal_files\",\"modify_personal_files\",\"remove_personal_files\",\"clone_personal_files\"]"
                : JSON.valueToTree(List.of(scopes)).toString();
        JsonNode t = adminOk(
                "POST",
                "/tokens",
                "{\"app_id\":\"" + app.appId() + "\",\"user_id\":\"" + userId + "\",\"scopes\":" + scopeJson + "}");
        return new User(userId, t.get("access_token").asText());
    }
}
