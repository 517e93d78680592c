package io.yundoc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yundoc.protocol.Hex;
import io.yundoc.server.core.DirTree;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * The training run of the JVM's ahead-of-time cache (JDK 25+, JEP 483/514/515): drives the hot routes of a freshly
 * started server over loopback HTTP for a while, so the cache records their classes, linked call sites and method
 * profiles, and the first minutes after a later start run at steady-state speed sooner. The routes are the ones the
 * benchmarks time: signed app-space file info, share links, the download answer and its {@code /dl/} URL, the personal
 * file list, {@code /health}. It creates its own app, user and files through the admin API, so run it only on a
 * throw-away data dir ({@code yundoc train} does).
 */
public final class Training {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALL_SCOPES = "[\"user_basic\",\"access_personal_files\",\"download_personal_files\","
            + "\"create_personal_files\",\"edit_personal_files\",\"modify_personal_files\",\"remove_personal_files\",\"clone_personal_files\"]";
    private final YundocServer server;
    private final HttpClient http;

    /** RFC 7231's IMF-fixdate (two-digit day), which RFC_1123_DATE_TIME does not always print. */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

    /**
     * Every call's bound: the throw-away server is local and answers in milliseconds, but one that hung would hold
     * {@code serve}'s close (it waits for the warm-up, which is never interrupted) for as long as the call.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Duration requestTimeout;

    private Training(YundocServer server, HttpClient http, Duration requestTimeout) {
        this.server = server;
        this.http = http;
        this.requestTimeout = requestTimeout;
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Starts a throw-away server (dev mode, a temporary data dir, a free loopback port, a random admin token), drives
     * its hot routes as {@link #run} does, stops it and deletes the data dir: {@code yundoc train} and
     * {@code serve --warm-up}.
     *
     * @return the number of requests answered 2xx
     */
    public static long onThrowAwayServer(Duration duration, int concurrency) throws Exception {
        return onThrowAwayServer(duration, concurrency, () -> false);
    }

    /**
     * As {@link #onThrowAwayServer(Duration, int)}, ending early once {@code stop} says so: checked after the
     * throw-away server's start and before each request of the drive (the set-up's few calls run to their end), so a
     * caller can end it without an interrupt (an interrupt
     * reaching the start's class initialisation made libraries log stack traces: Hikari, Log4j under POI).
     */
    static long onThrowAwayServer(Duration duration, int concurrency, BooleanSupplier stop) throws Exception {
        // the JDK's HTTP client took 0.13-0.16 s to build on two cores (its TLS defaults, its selector): it is built
        // beside the server's start, not on the warm-up's path to /health 200 after it
        FutureTask<HttpClient> client = new FutureTask<>(Training::newClient);
        Thread.ofVirtual().name("yundoc-training-client").start(client);
        Path data = Files.createTempDirectory("yundoc-train");
        try {
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            YundocServer server = YundocServer.start(ServerConfig.builder()
                    .port(0)
                    .bind("127.0.0.1")
                    .dataDir(data)
                    .dev(true)
                    .adminToken("train-" + Hex.of(secret))
                    // the user's password hash (0.15 s at the default cost) held up the set-up's token, upload and
                    // link calls; this user is deleted with the server
                    .passwordHashCost(4)
                    .build());
            try {
                if (stop.getAsBoolean()) {
                    return 0;
                }
                return new Training(server, result(client), REQUEST_TIMEOUT).drive(duration, concurrency, stop);
            } finally {
                server.close();
            }
        } finally {
            DirTree.delete(data);
        }
    }

    /**
     * Drives the hot routes of {@code server} with {@code concurrency} callers until {@code duration} has passed.
     *
     * @return the number of requests answered 2xx
     * @throws IOException when setting up the objects the routes need fails (the server answered an error)
     */
    public static long run(YundocServer server, Duration duration, int concurrency)
            throws IOException, InterruptedException {
        return run(server, duration, concurrency, REQUEST_TIMEOUT);
    }

    /** As {@link #run(YundocServer, Duration, int)}, each call bounded by {@code requestTimeout}. */
    static long run(YundocServer server, Duration duration, int concurrency, Duration requestTimeout)
            throws IOException, InterruptedException {
        return new Training(server, newClient(), requestTimeout).drive(duration, concurrency, () -> false);
    }

    private long drive(Duration duration, int concurrency, BooleanSupplier stop)
            throws IOException, InterruptedException {
        String base = server.url();
        // the set-up's calls that do not wait on each other run side by side: a warm-up (serve --warm-up) holds
        // /health for the whole of it, and the user's slow password hash alone is a tenth of a second
        String appId;
        String appKey;
        String appFile;
        String token;
        String files;
        String dl;
        try (ExecutorService setUp = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> userId = setUp.submit(() -> admin(
                            "/users",
                            "{\"name\":\"training-" + System.nanoTime() + "\",\"password\":\"training-password-1\"}")
                    .path("user_id")
                    .asText());
            JsonNode app = admin("/apps", "{\"name\":\"training\",\"tier\":\"formal\",\"redirect_uris\":[]}");
            appId = app.path("app_id").asText();
            appKey = app.path("app_key").asText();
            Future<String> appSpaceFile = setUp.submit(() -> createAppSpaceFile(appId, appKey));
            token = admin(
                            "/tokens",
                            "{\"app_id\":\"" + appId + "\",\"user_id\":\"" + result(userId) + "\",\"scopes\":"
                                    + ALL_SCOPES + "}")
                    .path("access_token")
                    .asText();
            files = base + "/api/v1/openapi/personal/files/" + upload(token);
            Future<String> link = setUp.submit(() -> send(request(files + "/links?access_token=" + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"range\":\"anyone\",\"permission\":\"read\"}"))
                    .build()));
            dl = data(send(get(files + "/download?access_token=" + token).build()))
                    .path("url")
                    .asText();
            result(link);
            appFile = result(appSpaceFile);
        }
        String date = httpDate();

        String infoPath = "/api/v1/openapi/appspace/files/" + appFile;
        String infoMd5 = md5(infoPath);
        List<HttpRequest> requests = new ArrayList<>();
        requests.add(get(base + infoPath)
                .header("Content-Type", "application/json")
                .header("Content-Md5", infoMd5)
                .header("Date", date)
                .header("Authorization", "WPS-2:" + appId + ":" + sha1(appKey + infoMd5 + "application/json" + date))
                .build());
        requests.add(get(files + "/links?access_token=" + token).build());
        requests.add(get(files + "/download?access_token=" + token).build());
        requests.add(get(dl).build());
        requests.add(get(base + "/api/v1/openapi/personal/files?access_token=" + token)
                .build());
        requests.add(get(base + "/health").build());

        long end = System.nanoTime() + duration.toNanos();
        AtomicLong ok = new AtomicLong();
        AtomicLongArray failed = new AtomicLongArray(requests.size());
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            int first = i;
            callers.add(Thread.ofVirtual().name("yundoc-training-" + i).start(() -> {
                int n = first;
                while (System.nanoTime() < end
                        && !stop.getAsBoolean()
                        && !Thread.currentThread().isInterrupted()) {
                    try {
                        int which = n++ % requests.size();
                        HttpResponse<Void> r = http.send(requests.get(which), HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() / 100 == 2) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet(which);
                        }
                    } catch (IOException e) {
                        return; // the server went away: nothing more to learn
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }));
        }
        for (Thread t : callers) {
            t.join();
        }
        for (int i = 0; i < requests.size(); i++) {
            if (failed.get(i) > 0) {
                // a route that fails trains the error path instead of the hot one: say so
                throw new IOException("training: " + failed.get(i) + " calls of "
                        + requests.get(i).uri().getPath() + " did not answer 2xx");
            }
        }
        return ok.get();
    }

    /** A signed app-space file create (WPS-2); returns its file token. */
    private String createAppSpaceFile(String appId, String appKey) throws IOException, InterruptedException {
        String create = "{\"filename\":\"training.docx\"}";
        String date = httpDate();
        String md5 = md5(create);
        JsonNode created = data(send(request(server.url() + "/api/v1/openapi/appspace/files")
                .header("Content-Type", "application/json")
                .header("Content-Md5", md5)
                .header("Date", date)
                .header("Authorization", "WPS-2:" + appId + ":" + sha1(appKey + md5 + "application/json" + date))
                .POST(HttpRequest.BodyPublishers.ofString(create))
                .build()));
        return created.hasNonNull("file_token")
                ? created.get("file_token").asText()
                : created.path("id").asText();
    }

    /** A personal upload (multipart, a small text file); returns its file id. */
    private String upload(String token) throws IOException, InterruptedException {
        String boundary = "training" + Long.toHexString(System.nanoTime());
        String multipart = "--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"path_from_root\"\r\n\r\ntrue\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"training.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + "yundoc training file\n".repeat(200) + "\r\n--" + boundary
                + "--\r\n";
        return data(send(request(server.url() + "/api/v1/openapi/personal/files/upload?access_token=" + token)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(multipart))
                        .build()))
                .path("id")
                .path("open_id")
                .asText();
    }

    /** A set-up call's answer; its own failure as it was thrown. */
    private static <T> T result(Future<T> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IOException("training set-up failed", e.getCause());
        }
    }

    private HttpRequest.Builder get(String url) {
        return request(url).GET();
    }

    private HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout);
    }

    private JsonNode admin(String path, String body) throws IOException, InterruptedException {
        return data(send(request(server.url() + "/admin/v1" + path)
                .header("Authorization", "Bearer " + server.adminToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build()));
    }

    private String send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("training set-up: " + request.method() + " "
                    + request.uri().getPath() + " answered " + r.statusCode());
        }
        return r.body();
    }

    private static JsonNode data(String body) throws IOException {
        return JSON.readTree(body).path("data");
    }

    private String httpDate() {
        return HTTP_DATE.format(server.clock().instant().atOffset(ZoneOffset.UTC));
    }

    private static String md5(String s) {
        return Hex.of(Hex.digest("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static String sha1(String s) {
        return Hex.of(Hex.digest("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
