package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Disk full (issue 13 item 5), on a real 16 MiB tmpfs holding the data dir: a write that does not fit answers 507 with
 * 30004 {@code insufficient storage} and leaves no spool file, blob or row behind; {@code /health} warns below
 * {@code --min-free-space} and answers 503 while a write has just failed; once there is room, uploads work again.
 * Skipped only when this machine cannot mount a tmpfs (CI runs as root and can).
 */
// integration phase (Failsafe, mvn verify): mount/umount of a tmpfs (root)
@Tag("integration")
class DiskFullTest {
    static final String API = "/api/v1/openapi";
    static final long MIN_FREE = 4L << 20;
    static Path mount;
    static TestServer ts;
    static TestServer.App app;
    static TestServer.User user;

    @BeforeAll
    static void mountAndStart() throws Exception {
        mount = Files.createTempDirectory("yundoc-tmpfs");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!mounted) {
            Files.deleteIfExists(mount);
        }
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here: " + out);
        ts = new TestServer(mount.resolve("data"), b -> b.minFreeSpace(MIN_FREE));
        app = ts.app("test");
        user = ts.user(app);
    }

    @AfterAll
    static void stopAndUnmount() throws Exception {
        if (ts != null) {
            ts.close();
        }
        if (mount != null && Files.exists(mount)) {
            new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(mount);
        }
    }

    /** Every test starts with the disk as the server left it: the filler removed. */
    @AfterEach
    void unfill() throws IOException {
        Files.deleteIfExists(filler());
    }

    static Path filler() {
        return mount.resolve("filler.bin");
    }

    static long usable() throws IOException {
        return Files.getFileStore(mount).getUsableSpace();
    }

    /** Writes real bytes (tmpfs allocates pages on write, not on setLength) until at most {@code leave} bytes are free. */
    static void fill(long leave) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
        try (FileChannel ch = FileChannel.open(
                filler(), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (usable() > leave) {
                chunk.clear();
                if (usable() - leave < chunk.capacity()) {
                    chunk.limit((int) Math.max(1, usable() - leave));
                }
                try {
                    ch.write(chunk);
                } catch (IOException full) {
                    return; // "leave" was 0: the disk is full now
                }
            }
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static HttpResponse<String> upload(String name, byte[] content) {
        return ts.sendBody(
                "POST",
                API + "/personal/files/upload?access_token=" + user.token(),
                TestServer.multipart("dfb0undary", name, "application/octet-stream", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=dfb0undary");
    }

    static List<String> rootNames() {
        HttpResponse<String> r =
                ts.send("GET", API + "/personal/files?parent_id=0&count=100&access_token=" + user.token(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        TestServer.json(r)
                .get("data")
                .get("files")
                .forEach(f -> names.add(f.get("fname").asText()));
        return names;
    }

    static JsonNode health(int status) {
        HttpResponse<String> r = ts.send("GET", "/health", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return TestServer.json(r);
    }

    static void assertInsufficientStorage(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(507);
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt()).isEqualTo(30004);
        assertThat(n.get("msg").asText()).isEqualTo("InternalError");
        assertThat(n.get("result").asText()).isEqualTo("InternalError");
        assertThat(n.get("hint").asText()).isEqualTo("insufficient storage");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void anUploadThatDoesNotFitAnswers507LeavesNothingAndHealthTellsUntilThereIsRoomAgain() throws Exception {
        JsonNode h = health(200);
        assertThat(h.get("checks").get("disk").asText()).isEqualTo("UP");

        SortedSet<String> blobsBefore = ts.blobFiles();
        List<String> namesBefore = rootNames();
        fill(256 * 1024);
        // below --min-free-space: a warning, still ready
        h = health(200);
        assertThat(h.get("checks").get("disk").asText()).isEqualTo("LOW");
        assertThat(h.get("warnings").toString()).contains("disk LOW").contains("--min-free-space");

        byte[] big = random(2 << 20, 1);
        assertInsufficientStorage(upload("big.bin", big));
        // nothing half-written: no spool file, no blob, no file row
        assertThat(ts.blobFiles()).isEqualTo(blobsBefore);
        assertThat(rootNames()).isEqualTo(namesBefore);
        // a write has just failed for lack of space: not ready
        h = health(503);
        assertThat(h.get("checks").get("disk").asText()).isEqualTo("FULL");

        // a later write that fits clears it ("just" is over): ready again, with the low-space warning
        HttpResponse<String> small = upload("small.txt", random(8 * 1024, 2));
        assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        assertThat(health(200).get("checks").get("disk").asText()).isEqualTo("LOW");

        assertInsufficientStorage(upload("big.bin", big));
        assertThat(health(503).get("checks").get("disk").asText()).isEqualTo("FULL");

        // space freed above the threshold: ready without a warning, and the same upload now works
        Files.delete(filler());
        h = health(200);
        assertThat(h.get("checks").get("disk").asText()).isEqualTo("UP");
        assertThat(h.has("warnings")).isFalse();
        HttpResponse<String> again = upload("big.bin", big);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(rootNames()).contains("big.bin", "small.txt");
        assertThat(ts.blobExists(TestServer.hex("SHA-256", big))).isTrue();
    }

    @Test
    void aMetadataWriteThatSqliteCannotStoreAnswers507AndCommitsNothing() throws Exception {
        Assumptions.assumeFalse(TestServer.scaleOut(), "the metadata lives in PostgreSQL, not on this tmpfs");
        fill(0);
        // SQLite reuses the room its WAL already has; new apps fill it until the file must grow
        String refused = null;
        for (int i = 0; i < 5000 && refused == null; i++) {
            String name = "app-" + i + "-" + "x".repeat(80);
            HttpResponse<String> r = ts.send(
                    "POST",
                    "/admin/v1/apps",
                    "{\"name\":\"" + name + "\",\"tier\":\"test\"}",
                    "Authorization",
                    "Bearer test-admin-token");
            if (r.statusCode() != 200) {
                assertInsufficientStorage(r);
                refused = name;
            }
        }
        assertThat(refused).as("SQLite never ran out of room").isNotNull();
        assertThat(health(503).get("checks").get("disk").asText()).isEqualTo("FULL");

        Files.delete(filler());
        assertThat(health(200).get("checks").get("disk").asText()).isEqualTo("UP");
        String apps = ts.send("GET", "/admin/v1/apps", null, "Authorization", "Bearer test-admin-token")
                .body();
        assertThat(apps).doesNotContain(refused);
        HttpResponse<String> ok = upload("after.txt", random(1024, 3));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }
}
