package io.yundoc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
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
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public TestServer() {
        this(b -> { });
    }

    public TestServer(Consumer<ServerConfig.Builder> customize) {
        try {
            dataDir = Files.createTempDirectory("yundoc-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig.Builder b = ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(dataDir).dev(true)
                .adminToken("test-admin-token");
        customize.accept(b);
        if (ScaleOutBackends.enabled()) {
            // -Dyundoc.test.mode=scaleout: the same tests against PostgreSQL + S3 + Redis
            ScaleOutBackends.apply(b);
            customize.accept(b); // a test that sets a backend itself keeps its choice
        }
        server = YundocServer.start(b.build());
        base = "http://127.0.0.1:" + server.port();
    }

    /** A registered app with its key. */
    public record App(String appId, String appKey) {
    }

    /** A user with a token carrying the given scopes for {@code app}. */
    public record User(String userId, String token) {
    }

    public App app(String tier) {
        JsonNode d = adminOk("POST", "/apps", "{\"name\":\"test app\",\"tier\":\"" + tier + "\",\"redirect_uris\":[\"http://127.0.0.1/cb\"]}");
        return new App(d.get("app_id").asText(), d.get("app_key").asText());
    }

    public App app(String appId, String appKey) {
        JsonNode d = adminOk("POST", "/apps", "{\"name\":\"demo\",\"tier\":\"test\",\"app_id\":\"" + appId + "\",\"app_key\":\"" + appKey + "\"}");
        return new App(d.get("app_id").asText(), d.get("app_key").asText());
    }

    private int userCounter;

    public User user(App app, String... scopes) {
        String name = "user" + (++userCounter) + "-" + System.nanoTime();
        JsonNode u = adminOk("POST", "/users", "{\"name\":\"" + name + "\",\"password\":\"password-123\",\"nickname\":\"Nick " + userCounter + "\"}");
        String userId = u.get("user_id").asText();
        String scopeJson = scopes.length == 0 ? "[\"user_basic\",\"access_personal_files\",\"download_personal_files\","
                + "\"create_personal_files\",\"edit_personal_files\",\"modify_personal_files\",\"remove_personal_files\",\"clone_personal_files\"]"
                : JSON.valueToTree(List.of(scopes)).toString();
        JsonNode t = adminOk("POST", "/tokens", "{\"app_id\":\"" + app.appId() + "\",\"user_id\":\"" + userId + "\",\"scopes\":" + scopeJson + "}");
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

    public HttpResponse<String> send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> sendBytes(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    /** A multipart/form-data body with one file part and optional plain fields (name, value pairs). */
    public static byte[] multipart(String boundary, String fileName, String fileContentType, byte[] content, String... fields) {
        var out = new java.io.ByteArrayOutputStream();
        try {
            for (int i = 0; i + 1 < fields.length; i += 2) {
                out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n" + fields[i + 1] + "\r\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            if (fileName != null) {
                out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                        + (fileContentType == null ? "" : "Content-Type: " + fileContentType + "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
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
        return "WPS-2:" + appId + ":" + hex("SHA-1", (appKey + contentMd5 + contentType + date).getBytes(StandardCharsets.UTF_8));
    }

    public static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server's clock as an RFC 1123 date (the emulator clock may have moved). */
    public String date() {
        return java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(server.clock().instant().atOffset(java.time.ZoneOffset.UTC));
    }

    /** Sends a WPS-2 signed request with body bytes (null = no body) and Content-Type. */
    public HttpResponse<String> signed(App app, String method, String path, byte[] body, String contentType) {
        String md5 = hex("MD5", body == null ? new byte[0] : body);
        String date = date();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Date", date).header("Content-Md5", md5).header("Content-Type", contentType)
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

    /** True when this run uses the scale-out backends (PostgreSQL, S3, Redis). */
    public static boolean scaleOut() {
        return ScaleOutBackends.enabled();
    }

    @Override
    public void close() {
        server.close();
        try (var walk = Files.walk(dataDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir; the OS cleans it eventually
        }
    }
}
