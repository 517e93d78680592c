package io.yundoc.server.files;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.OutboundGuard;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@code POST /personal/files/cloud} (api.md §5.4): fetches a URL into a new file, guarded against SSRF. The host is
 * resolved once, every address is checked, and the socket connects to a vetted address (no second lookup a DNS
 * rebinding could change); TLS still verifies the certificate for the URL's host name. Each redirect (at most 5) is
 * checked the same way. The request is HTTP/1.0 with {@code Connection: close}, so the body is simply the rest of
 * the stream (no chunked coding to decode). Limits: 10 s to connect, a total deadline, the upload size limit, and a
 * number of concurrent fetches per app.
 */
public final class CloudImporter {
    static final int MAX_REDIRECTS = 5;
    static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final String USER_AGENT = "yundoc/" + version();
    private final FileService files;
    private final OutboundGuard guard;
    private final Duration total;
    private final int perApp;
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

    public CloudImporter(FileService files, List<String> allow, Duration total, int perApp) {
        this(files, new OutboundGuard(allow), total, perApp);
    }

    public CloudImporter(FileService files, OutboundGuard guard, Duration total, int perApp) {
        this.files = files;
        this.total = total;
        this.perApp = perApp;
        this.guard = guard;
    }

    private static String version() {
        String v = CloudImporter.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    public FileRecord importUrl(Principal p, String url, String filename, Placement where) {
        String name = FileNames.validate(filename);
        if (FileNames.isOnline(name)) {
            throw ApiException.invalid("online document types (.otl, .ksheet, .dbt) cannot be imported");
        }
        URI uri = parse(url);
        AtomicInteger n = running.computeIfAbsent(p.appId(), k -> new AtomicInteger());
        if (n.incrementAndGet() > perApp) {
            n.decrementAndGet();
            throw new ApiException(
                    ErrorCode.TOO_MANY_TASK, "too many URL imports running for this app", Map.of("Retry-After", "5"));
        }
        try (BlobStore.PendingBlob blob =
                fetch(uri, System.nanoTime() + total.toNanos(), files.content().maxUpload(), Progress.NONE)) {
            return files.upload(p, name, where, blob);
        } finally {
            n.decrementAndGet();
        }
    }

    /** Told how far a fetch got: bytes received so far, and the announced length (-1 when the server sent none). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (bytes, total) -> {};

        void received(long bytes, long total);
    }

    /**
     * Fetches {@code url} into a pending blob under the rules of api.md §5.4 (scheme, SSRF guard, redirects, time,
     * size), for the callers that store it elsewhere than a personal file: anonymous preview (api-families.md §F4)
     * and app-space async upload (§F5). {@code concurrencyKey}: counted against the per-app fetch limit (30010 when
     * full), or null when the caller limits concurrency itself.
     */
    public BlobStore.PendingBlob fetch(String concurrencyKey, String url, Progress progress) {
        return fetch(concurrencyKey, url, files.content().maxUpload(), progress);
    }

    /**
     * Fetches a URL for an app's conversion or extraction (docs/api-families.md §F3.2): the same guard, redirects,
     * deadline and per-app concurrency as URL import, at most {@code maxBytes} (30008). The caller commits or closes
     * the pending blob.
     */
    public BlobStore.PendingBlob fetchForApp(String appId, String url, long maxBytes) {
        return fetch(appId, url, maxBytes, Progress.NONE);
    }

    private BlobStore.PendingBlob fetch(String concurrencyKey, String url, long maxBytes, Progress progress) {
        URI uri = parse(url);
        AtomicInteger n =
                concurrencyKey == null ? null : running.computeIfAbsent(concurrencyKey, k -> new AtomicInteger());
        if (n != null && n.incrementAndGet() > perApp) {
            n.decrementAndGet();
            throw new ApiException(
                    ErrorCode.TOO_MANY_TASK, "too many URL fetches running for this app", Map.of("Retry-After", "5"));
        }
        try {
            return fetch(uri, System.nanoTime() + total.toNanos(), maxBytes, progress);
        } finally {
            if (n != null) {
                n.decrementAndGet();
            }
        }
    }

    /** How many URL fetches one app may run at a time ({@code --cloud-concurrency}). */
    public int perApp() {
        return perApp;
    }

    public static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw ApiException.invalid("url is required");
        }
        try {
            URI u = new URI(url.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw ApiException.invalid("url must be http or https");
            }
            if (u.getHost() == null || u.getHost().isEmpty()) {
                throw ApiException.invalid("url has no host");
            }
            if (u.getRawUserInfo() != null) {
                throw ApiException.invalid("url may not carry credentials");
            }
            return u;
        } catch (URISyntaxException e) {
            throw ApiException.invalid("url is malformed");
        }
    }

    private BlobStore.PendingBlob fetch(URI start, long deadline, long maxBytes, Progress progress) {
        URI uri = start;
        for (int hop = 0; ; hop++) {
            Response r = request(uri, deadline);
            if (r.status >= 300 && r.status < 400 && r.status != 304 && r.location != null) {
                r.close();
                if (hop >= MAX_REDIRECTS) {
                    throw new ApiException(ErrorCode.DOWNLOAD_FAIL, "more than " + MAX_REDIRECTS + " redirects");
                }
                try {
                    uri = parse(uri.resolve(r.location.trim()).toString());
                } catch (IllegalArgumentException e) {
                    throw new ApiException(ErrorCode.DOWNLOAD_FAIL, "redirect to a malformed location");
                }
                continue;
            }
            if (r.status < 200 || r.status >= 300) {
                r.close();
                throw new ApiException(ErrorCode.DOWNLOAD_FAIL, "remote answered HTTP " + r.status);
            }
            try (r) {
                long limit = Math.min(maxBytes, files.content().maxUpload());
                if (r.length > limit) {
                    throw new ApiException(ErrorCode.FILE_SIZE_LIMITED, "remote file larger than " + limit + " bytes");
                }
                progress.received(0, r.length);
                return files.content().receive(new Counting(r.body, r.length, progress), limit);
            } catch (SocketTimeoutException e) {
                throw new ApiException(ErrorCode.TIMEOUT, "remote fetch took too long");
            } catch (IOException e) {
                throw new ApiException(
                        ErrorCode.DOWNLOAD_FAIL,
                        "remote fetch failed: " + e.getClass().getSimpleName());
            }
        }
    }

    /** A response: status, Location, Content-Length (-1 unknown), the body stream bound to the deadline. */
    private record Response(Socket socket, int status, String location, long length, InputStream body)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private Response request(URI uri, long deadline) {
        String host = uri.getHost();
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
        List<InetAddress> addresses;
        try {
            addresses = guard.vet(host);
        } catch (OutboundGuard.Refused e) {
            throw ApiException.invalid("url target not allowed");
        } catch (UnknownHostException e) {
            throw new ApiException(ErrorCode.DOWNLOAD_FAIL, "host cannot be resolved");
        }
        Socket socket = null;
        IOException last = null;
        for (InetAddress a : addresses) {
            Socket s = new Socket();
            try {
                int connectMs = (int) Math.max(1, Math.min(CONNECT_TIMEOUT_MS, remainingMs(deadline)));
                s.connect(new InetSocketAddress(a, port), connectMs);
                socket = s;
                break;
            } catch (SocketTimeoutException e) {
                close(s);
                throw new ApiException(ErrorCode.TIMEOUT, "connecting to the remote host timed out");
            } catch (IOException e) {
                close(s);
                last = e;
            }
        }
        if (socket == null) {
            throw new ApiException(
                    ErrorCode.DOWNLOAD_FAIL,
                    "cannot connect to the remote host"
                            + (last == null ? "" : ": " + last.getClass().getSimpleName()));
        }
        try {
            socket.setSoTimeout((int) Math.max(1, remainingMs(deadline)));
            if (tls) {
                String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                SSLSocket ssl = (SSLSocket)
                        ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, bare, port, true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must match the URL's host name
                if (!bare.contains(":") && !bare.matches("[0-9.]+")) {
                    params.setServerNames(List.of(new SNIHostName(bare)));
                }
                ssl.setSSLParameters(params);
                ssl.startHandshake();
                socket = ssl;
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String hostHeader = host + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + hostHeader + "\r\nUser-Agent: " + USER_AGENT
                            + "\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Socket sock = socket;
            InputStream in =
                    new DeadlineStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024), sock, deadline);
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new ApiException(ErrorCode.DOWNLOAD_FAIL, "remote did not answer HTTP");
            }
            int status = Integer.parseInt(parts[1].trim());
            String location = null;
            long length = -1;
            for (int i = 0; i < 200; i++) {
                String h = line(in);
                if (h.isEmpty()) {
                    break;
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String k = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String v = h.substring(colon + 1).trim();
                if (k.equals("location")) {
                    location = v;
                } else if (k.equals("content-length")) {
                    try {
                        length = Long.parseLong(v);
                    } catch (NumberFormatException ignored) {
                        length = -1;
                    }
                }
            }
            InputStream body = length >= 0 ? new BoundedStream(in, length) : in;
            return new Response(sock, status, location, length, body);
        } catch (ApiException e) {
            close(socket);
            throw e;
        } catch (SocketTimeoutException e) {
            close(socket);
            throw new ApiException(ErrorCode.TIMEOUT, "remote fetch took too long");
        } catch (IOException | NumberFormatException e) {
            close(socket);
            throw new ApiException(
                    ErrorCode.DOWNLOAD_FAIL,
                    "remote fetch failed: " + e.getClass().getSimpleName());
        }
    }

    private static long remainingMs(long deadline) {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new ApiException(ErrorCode.TIMEOUT, "remote fetch took too long");
        }
        return ms;
    }

    private static void close(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.size() > 16 * 1024) {
                throw new IOException("header line too long");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until the total deadline: each read's socket timeout is what is left of it. */
    private static final class DeadlineStream extends FilterInputStream {
        private final Socket socket;
        private final long deadline;

        DeadlineStream(InputStream in, Socket socket, long deadline) {
            super(in);
            this.socket = socket;
            this.deadline = deadline;
        }

        private void arm() throws IOException {
            long ms = (deadline - System.nanoTime()) / 1_000_000;
            if (ms <= 0) {
                throw new SocketTimeoutException("deadline");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, ms));
        }

        @Override
        public int read() throws IOException {
            arm();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            arm();
            return super.read(b, off, len);
        }
    }

    /** Reports the bytes read so far to a {@link Progress}. */
    private static final class Counting extends FilterInputStream {
        private final long total;
        private final Progress progress;
        private long count;

        Counting(InputStream in, long total, Progress progress) {
            super(in);
            this.total = total;
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                progress.received(count, total);
            }
            return n;
        }
    }

    /** Stops at Content-Length; a body cut short is an error, not a shorter file. */
    private static final class BoundedStream extends FilterInputStream {
        private long left;

        BoundedStream(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("remote closed before Content-Length bytes arrived");
            }
            left -= n;
            return n;
        }
    }
}
