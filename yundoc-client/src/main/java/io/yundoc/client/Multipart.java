package io.yundoc.client;

import io.yundoc.protocol.Hex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A streamed multipart/form-data body: plain fields, then one {@code file} part read from a path or a byte array.
 * Re-subscribable (each retry re-reads the file) and counted for progress. Internal.
 */
final class Multipart {
    final String boundary = "yundoc-" + UUID.randomUUID();
    private final List<String[]> fields = new ArrayList<>();
    private String fileName;
    private String fileType;
    private Path path;
    private byte[] bytes;

    Multipart field(String name, String value) {
        if (value != null) {
            fields.add(new String[] {name, value});
        }
        return this;
    }

    Multipart file(String name, String contentType, Path p) {
        this.fileName = name;
        this.fileType = contentType;
        this.path = p;
        return this;
    }

    Multipart file(String name, String contentType, byte[] b) {
        this.fileName = name;
        this.fileType = contentType;
        this.bytes = b;
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    private byte[] head() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] f : fields) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"\r\n\r\n" + f[1]
                            + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + asciiFallback(fileName)
                        + "\"; filename*=UTF-8''" + ApiRequest.enc(fileName) + "\r\nContent-Type: "
                        + (fileType == null ? "application/octet-stream" : fileType) + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private byte[] tail() {
        return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static String asciiFallback(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c < 0x20 || c > 0x7e || c == '"' || c == '\\' ? '_' : c);
        }
        return sb.toString();
    }

    long fileSize() {
        try {
            return path != null ? Files.size(path) : bytes.length;
        } catch (IOException e) {
            throw new YundocClientException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** MD5 of the whole body (WPS-2 signs it), reading the file once. */
    String md5() {
        MessageDigest md = Hex.digest("MD5");
        md.update(head());
        if (path != null) {
            try (InputStream in = Files.newInputStream(path)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            } catch (IOException e) {
                throw new YundocClientException("cannot read " + path + ": " + e.getMessage(), e);
            }
        } else {
            md.update(bytes);
        }
        md.update(tail());
        return Hex.of(md.digest());
    }

    /** A fresh publisher for one attempt; {@code listener} sees the file part's bytes. */
    @SuppressWarnings("ReferenceEquality") // NONE is a sentinel: only that very instance means "nobody listens"
    HttpRequest.BodyPublisher publisher(TransferListener listener) {
        HttpRequest.BodyPublisher content;
        try {
            content = path != null
                    ? HttpRequest.BodyPublishers.ofFile(path)
                    : HttpRequest.BodyPublishers.ofByteArray(bytes);
        } catch (IOException e) {
            throw new YundocClientException("cannot read " + path + ": " + e.getMessage(), e);
        }
        long size = fileSize();
        HttpRequest.BodyPublisher counted =
                listener == TransferListener.NONE ? content : new Counting(content, size, listener);
        return HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head()),
                counted,
                HttpRequest.BodyPublishers.ofByteArray(tail()));
    }

    /** Counts the bytes a publisher hands to the HTTP client. */
    private record Counting(HttpRequest.BodyPublisher inner, long total, TransferListener listener)
            implements HttpRequest.BodyPublisher {
        @Override
        public long contentLength() {
            return inner.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            AtomicLong done = new AtomicLong();
            inner.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription sub) {
                    s.onSubscribe(sub);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    listener.progress(done.addAndGet(item.remaining()), total);
                    s.onNext(item);
                }

                @Override
                public void onError(Throwable t) {
                    s.onError(t);
                }

                @Override
                public void onComplete() {
                    s.onComplete();
                }
            });
        }
    }
}
