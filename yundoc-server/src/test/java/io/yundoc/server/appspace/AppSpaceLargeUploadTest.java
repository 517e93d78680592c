package io.yundoc.server.appspace;

import static io.yundoc.server.appspace.AppSpaceApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.HeapWatch;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 100 MiB multipart upload and its download, both streamed: the test generates the body twice (once to hash it,
 * once to send it) and hashes the download as it arrives, so neither side holds the file; the server's heap (same
 * JVM) is sampled after forced collections and must not grow by anything near the file's size.
 */
class AppSpaceLargeUploadTest {
    static final String API = "/api/v1/openapi/appspace";
    static final long SIZE = 100L << 20;

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.App app;

    @BeforeAll
    static void start() {
        app = ts.app("formal");
    }

    /** {@code size} pseudo-random bytes from a seed, produced on demand. */
    static final class Generated extends InputStream {
        private final Random random;
        private long left;

        Generated(long size, long seed) {
            this.random = new Random(seed);
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, b, off, n);
            left -= n;
            return n;
        }
    }

    static String digest(String algorithm, InputStream in) throws IOException {
        try (in) {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The watch itself sees a file-sized buffer: otherwise the assertions below would prove nothing. */
    @Test
    void theHeapWatchNoticesAFileSizedBuffer() throws Exception {
        byte[][] held = new byte[1][];
        long growth;
        try (HeapWatch watch = new HeapWatch()) {
            held[0] = new byte[(int) (SIZE / 2)];
            watch.awaitNextSample();
            watch.close();
            growth = watch.growth();
        }
        assertThat(held[0]).hasSize((int) (SIZE / 2));
        assertThat(growth).isGreaterThan(40L << 20);
    }

    @Test
    void a100MiBUploadAndDownloadStreamWithoutHoldingTheFile() throws Exception {
        String boundary = "big-" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"parent_path\"\r\n\r\nlarge\r\n--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        Supplier<InputStream> body = () -> new SequenceInputStream(Collections.enumeration(
                List.of(new ByteArrayInputStream(head), new Generated(SIZE, 2024), new ByteArrayInputStream(tail))));
        long length = head.length + SIZE + tail.length;
        // first pass: the md5 of the whole multipart body, and the sha1 of the file's bytes
        String bodyMd5 = digest("MD5", body.get());
        String fileSha1 = digest("SHA-1", new Generated(SIZE, 2024));

        String ct = "multipart/form-data; boundary=" + boundary;
        String date = ts.date();
        HttpRequest req = HttpRequest.newBuilder(URI.create(ts.base() + API + "/files/upload"))
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), length))
                .header("Date", date)
                .header("Content-Md5", bodyMd5)
                .header("Content-Type", ct)
                .header("Authorization", TestServer.wps2(app.appId(), app.appKey(), bodyMd5, ct, date))
                .build();
        HttpResponse<String> up;
        long uploadGrowth;
        try (HeapWatch watch = new HeapWatch()) {
            up = ts.http().send(req, HttpResponse.BodyHandlers.ofString());
            watch.close();
            uploadGrowth = watch.growth();
        }
        JsonNode info = ok(up);
        assertThat(info.get("size").asLong()).isEqualTo(SIZE);
        assertThat(info.get("name").asText()).isEqualTo("big.bin");

        JsonNode dl = ok(ts.signed(
                app, "GET", API + "/files/" + info.get("file_token").asText() + "/download", null, "application/json"));
        assertThat(dl.get("fsize").asLong()).isEqualTo(SIZE);
        assertThat(dl.get("checksums").get("sha1").asText()).isEqualTo(fileSha1);
        long downloadGrowth;
        String servedSha1;
        try (HeapWatch watch = new HeapWatch()) {
            HttpResponse<InputStream> r = ts.http()
                    .send(
                            HttpRequest.newBuilder(URI.create(dl.get("url").asText()))
                                    .timeout(Duration.ofMinutes(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValueAsLong("Content-Length").orElse(-1))
                    .isEqualTo(SIZE);
            servedSha1 = digest("SHA-1", r.body());
            watch.close();
            downloadGrowth = watch.growth();
        }
        assertThat(servedSha1).isEqualTo(fileSha1);
        System.out.printf("heap growth: upload %d KiB, download %d KiB%n", uploadGrowth >> 10, downloadGrowth >> 10);
        // a buffering implementation would add at least the file's 100 MiB
        assertThat(uploadGrowth).as("heap growth during upload").isLessThan(40L << 20);
        assertThat(downloadGrowth).as("heap growth during download").isLessThan(40L << 20);
    }
}
