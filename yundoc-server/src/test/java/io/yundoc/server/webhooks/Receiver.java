package io.yundoc.server.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.yundoc.server.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on loopback for tests: records every POST (headers and body) and answers {@link #status}. The
 * signature check here is written from docs/api-families.md §F2.7, independently of the server's signer.
 */
final class Receiver implements AutoCloseable {
    @SuppressWarnings("ArrayRecordComponent") // a captured request, never compared or hashed
    record Delivery(Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() {
            try {
                return TestServer.JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** HMAC-SHA256(app_key, X-Wps-Timestamp + X-Wps-Nonce + body) in lowercase hex equals X-Wps-Signature. */
        boolean signedWith(String appKey) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(appKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                byte[] msg = (header("X-Wps-Timestamp") + header("X-Wps-Nonce")).getBytes(StandardCharsets.UTF_8);
                mac.update(msg);
                String want = HexFormat.of().formatHex(mac.doFinal(body));
                return MessageDigest.isEqual(
                        want.getBytes(StandardCharsets.UTF_8),
                        String.valueOf(header("X-Wps-Signature")).getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    final AtomicInteger status = new AtomicInteger(200);
    final AtomicInteger hits = new AtomicInteger();
    /** How long each answer takes (a slow receiver keeps deliveries in flight). */
    final AtomicInteger delayMs = new AtomicInteger();

    final BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    private final HttpServer server;

    Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            hits.incrementAndGet();
            if (delayMs.get() > 0) {
                try {
                    Thread.sleep(delayMs.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int s = status.get();
            if (s >= 200 && s < 300) {
                got.add(new Delivery(headers, body));
            }
            byte[] answer = ("answer " + s).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(s, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    Delivery next(long seconds) throws InterruptedException {
        Delivery d = got.poll(seconds, TimeUnit.SECONDS);
        if (d == null) {
            throw new AssertionError("no delivery within " + seconds + " s");
        }
        return d;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
