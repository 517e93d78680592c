package io.yundoc.client;

import io.yundoc.protocol.Hex;
import io.yundoc.protocol.wire.DownloadInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * Verified downloads: asks the API for {@code {url, fsize, checksums.sha1}}, streams the URL (redirects refused)
 * into a temp file beside the target while hashing, resumes with {@code Range} + {@code If-Range} after a dropped
 * connection, mints a fresh URL once if the old one expired, and only moves the file into place when size and
 * SHA-1 match. Internal.
 */
final class Downloader {
    private final Transport t;

    Downloader(Transport t) {
        this.t = t;
    }

    Models.DownloadResult download(Supplier<DownloadInfo> answer, Path target, TransferListener listener) {
        DownloadInfo info = answer.get();
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new YundocClientException("cannot write into " + dir + ": " + Transport.describe(e), e);
        }
        boolean done = false;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            MessageDigest sha1 = Hex.digest("SHA-1");
            long have = 0;
            int resumes = 0;
            int failures = 0;
            boolean reminted = false;
            String expectedSha1 =
                    info.checksums() == null ? null : info.checksums().sha1();
            while (true) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(info.url()))
                        .timeout(t.requestTimeout)
                        .header("User-Agent", t.userAgent)
                        .GET();
                if (have > 0) {
                    b.header("Range", "bytes=" + have + "-");
                    if (expectedSha1 != null) {
                        b.header("If-Range", "\"" + expectedSha1 + "\"");
                    }
                }
                HttpResponse<InputStream> res;
                try {
                    res = t.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                } catch (IOException e) {
                    if (++failures > Math.max(1, t.maxRetries)) {
                        throw new YundocClientException("download failed: " + Transport.describe(e), e);
                    }
                    Transport.sleep(t.backoff(failures - 1));
                    continue;
                }
                int status = res.statusCode();
                if (status / 100 == 3) {
                    res.body().close();
                    throw new YundocClientException("download URL answered a redirect (HTTP " + status
                            + "); redirects are refused: the URL must serve the bytes itself");
                }
                if (status == 416 && have == info.fsize()) {
                    res.body().close();
                    break;
                }
                if (status == 403 && !reminted) {
                    res.body().close();
                    info = answer.get(); // the temporary URL expired mid-transfer: mint another for the same file
                    reminted = true;
                    continue;
                }
                if (status != 200 && status != 206) {
                    byte[] body;
                    try (InputStream in = res.body()) {
                        body = in.readNBytes(64 * 1024);
                    }
                    try {
                        var env = Transport.JSON.readTree(body);
                        if (env != null && env.has("code")) {
                            throw Transport.error(env, res);
                        }
                    } catch (IOException ignored) {
                        // not JSON
                    }
                    throw new YundocClientException("download URL answered HTTP " + status);
                }
                if (status == 200 && have > 0) {
                    // the server ignored our Range (or the bytes changed): start over
                    out.truncate(0);
                    out.position(0);
                    sha1.reset();
                    have = 0;
                } else if (status == 206
                        && !res.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + have + "-")) {
                    res.body().close();
                    throw new YundocClientException("download URL answered a Content-Range we did not ask for");
                }
                try (InputStream in = res.body()) {
                    byte[] buf = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(ByteBuffer.wrap(buf, 0, n));
                        sha1.update(buf, 0, n);
                        have += n;
                        listener.progress(have, info.fsize());
                    }
                    break;
                } catch (IOException e) {
                    if (++failures > Math.max(1, t.maxRetries)) {
                        throw new YundocClientException(
                                "download failed after " + resumes + " resumes at byte " + have + ": "
                                        + Transport.describe(e),
                                e);
                    }
                    resumes++;
                    Transport.sleep(t.backoff(failures - 1));
                }
            }
            out.force(true);
            String got = Hex.of(sha1.digest());
            if (have != info.fsize() || (expectedSha1 != null && !expectedSha1.equalsIgnoreCase(got))) {
                throw new ChecksumMismatchException(info.fsize(), have, expectedSha1, got);
            }
            out.close();
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return new Models.DownloadResult(abs, have, got, resumes);
        } catch (IOException e) {
            throw new YundocClientException("cannot write " + tmp + ": " + Transport.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new YundocClientException("download interrupted", e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray .part file beside the target
                }
            }
        }
    }
}
