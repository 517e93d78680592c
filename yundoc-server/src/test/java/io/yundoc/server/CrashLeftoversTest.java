package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash leftovers (issue 13 item 6): the upload files a kill -9 leaves in {@code blobs/tmp} (embedded) or
 * {@code spool/} (scale-out) are removed at the next start, while a server sharing the directory keeps the files of
 * the uploads it is still receiving.
 */
// integration phase (Failsafe, mvn verify): a server child process, PostgreSQL, Redis and S3Mock
@Tag("integration")
class CrashLeftoversTest {
    static final String UPLOAD = "/api/v1/openapi/personal/files/upload";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    /** An access token with every personal scope, made through the admin API of the server at {@code base}. */
    static String token(String base) throws Exception {
        String app = admin(base, "/apps", "{\"name\":\"crash\",\"tier\":\"test\"}")
                .get("app_id")
                .asText();
        String user = admin(base, "/users", "{\"name\":\"u" + System.nanoTime() + "\",\"password\":\"password-123\"}")
                .get("user_id")
                .asText();
        return admin(
                        base,
                        "/tokens",
                        "{\"app_id\":\"" + app + "\",\"user_id\":\"" + user + "\",\"scopes\":"
                                + "[\"access_personal_files\",\"create_personal_files\",\"download_personal_files\"]}")
                .get("access_token")
                .asText();
    }

    static JsonNode admin(String base, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/admin/v1" + path))
                        .header("Authorization", "Bearer test-admin-token")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.JSON.readTree(r.body()).get("data");
    }

    /**
     * An upload sent over a raw socket that stops after part of its content, as a client does mid-transfer: the server
     * is then writing its {@code .part} file. {@link #finish} sends the rest and reads the status.
     */
    static final class HeldUpload implements AutoCloseable {
        static final String BOUNDARY = "crashb0undary";
        final Socket socket;
        final byte[] content;
        final int sent;
        final byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);

        HeldUpload(int port, String token, byte[] content, int sendFirst) throws IOException {
            this.content = content;
            this.sent = sendFirst;
            byte[] head = ("--" + BOUNDARY
                            + "\r\nContent-Disposition: form-data; name=\"path_from_root\"\r\n\r\ntrue\r\n"
                            + "--" + BOUNDARY
                            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"held.bin\"\r\n"
                            + "Content-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            long length = (long) head.length + content.length + tail.length;
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + UPLOAD + "?access_token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: "
                            + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            out.write(content, 0, sendFirst);
            out.flush();
        }

        int finish() throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(content, sent, content.length - sent);
            out.write(tail);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] status = in.readNBytes(12); // "HTTP/1.1 200"
            return Integer.parseInt(new String(status, StandardCharsets.US_ASCII).substring(9, 12));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static byte[] content(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    /** Every {@code .part} file under {@code dir}. */
    static List<Path> partFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".part"))
                    .toList();
        }
    }

    /** Where the server spools uploads: {@code blobs/tmp} for local blobs, {@code spool} with S3. */
    static Path spoolRoot(Path data) {
        return TestServer.scaleOut()
                ? data.resolve("spool")
                : data.resolve("blobs").resolve("tmp");
    }

    @Test
    void uploadFilesAKilledServerLeftAreRemovedAtTheNextStartAndUploadsStillWork() throws Exception {
        Path data = tmp.resolve("data");
        String[] backends = new String[0];
        if (TestServer.scaleOut()) {
            ServerConfig c =
                    ScaleOutBackends.apply(ServerConfig.builder().dataDir(data)).build();
            backends = new String[] {c.db(), c.blobs(), c.quota()}; // the restart below gets the same schema back
        }
        ServerProcess.Started child = ServerProcess.start(data, backends);
        Path leftover;
        try {
            String token = token("http://127.0.0.1:" + child.port());
            try (HeldUpload held = new HeldUpload(child.port(), token, content(4 << 20), 512 * 1024)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !partFiles(spoolRoot(data)).isEmpty());
                leftover = partFiles(spoolRoot(data)).get(0);
                child.kill();
            }
        } finally {
            child.kill();
        }
        assertThat(leftover).as("kill -9 leaves the upload file behind").exists();
        Path deadDir = leftover.getParent();
        Path deadLock = deadDir.resolveSibling(deadDir.getFileName() + ".lock");
        assertThat(deadLock).exists();
        // files of versions that wrote straight into the spool root: an old one goes whatever the mode; a fresh one
        // goes when the server owns the data dir (embedded), else it may still belong to another running instance
        Path legacyOld = spoolRoot(data).resolve("up-legacy-old.part");
        Path legacyFresh = spoolRoot(data).resolve("up-legacy-fresh.part");
        Files.write(legacyOld, new byte[100]);
        Files.setLastModifiedTime(legacyOld, FileTime.from(Instant.now().minus(Duration.ofHours(7))));
        Files.write(legacyFresh, new byte[100]);

        try (TestServer ts = new TestServer(data, b -> {})) {
            assertThat(leftover).doesNotExist();
            assertThat(deadDir).doesNotExist();
            assertThat(deadLock).doesNotExist();
            assertThat(legacyOld).doesNotExist();
            if (TestServer.scaleOut()) {
                assertThat(legacyFresh).exists();
                Files.delete(legacyFresh);
            } else {
                assertThat(legacyFresh).doesNotExist();
            }
            assertThat(partFiles(data)).isEmpty();

            TestServer.App app = ts.app("test");
            TestServer.User u = ts.user(app);
            byte[] bytes = content(300_000);
            HttpResponse<String> r = ts.sendBody(
                    "POST",
                    UPLOAD + "?access_token=" + u.token(),
                    TestServer.multipart(
                            "okb0undary", "after.bin", "application/octet-stream", bytes, "path_from_root", "true"),
                    "Content-Type",
                    "multipart/form-data; boundary=okb0undary");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(ts.blobExists(TestServer.hex("SHA-256", bytes))).isTrue();
            assertThat(partFiles(data)).isEmpty();
        }
    }

    @Test
    void aServerStartingOnASharedDataDirKeepsTheUploadFilesOfTheOneStillRunning() throws Exception {
        // PostgreSQL with local blobs: no data-dir lock, so two servers may share --data (and its blobs/tmp)
        Path data = tmp.resolve("shared");
        String db = ScaleOutBackends.jdbcUrl(ScaleOutBackends.newSchema());
        ServerConfig cfg = ServerConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .dataDir(data)
                .dev(true)
                .adminToken("test-admin-token")
                .db(db)
                .build();
        YundocServer first = YundocServer.start(cfg);
        YundocServer second = null;
        try {
            String token = token(first.url());
            byte[] bytes = content(2 << 20);
            try (HeldUpload held = new HeldUpload(first.port(), token, bytes, 256 * 1024)) {
                Path tmpDir = data.resolve("blobs").resolve("tmp");
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !partFiles(tmpDir).isEmpty());
                List<Path> inProgress = new ArrayList<>(partFiles(tmpDir));

                second = YundocServer.start(cfg);
                assertThat(inProgress).allSatisfy(p -> assertThat(p).exists());
                assertThat(held.finish()).isEqualTo(200);
            }
            assertThat(first.blobStore().exists(TestServer.hex("SHA-256", bytes)))
                    .isTrue();
        } finally {
            if (second != null) {
                second.close();
            }
            first.close();
        }
        // both stopped cleanly: their own spool directories and lock files are gone
        try (Stream<Path> left = Files.list(data.resolve("blobs").resolve("tmp"))) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).isEmpty();
        }
    }
}
