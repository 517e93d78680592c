package io.yundoc.server.office;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A loopback HTTP origin serving byte arrays by path (404 for any other): the {@code url} input of conversions. */
final class ServedFiles implements AutoCloseable {
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final HttpServer server;

    ServedFiles() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = files.get(ex.getRequestURI().getPath());
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            }
            ex.close();
        });
        server.start();
    }

    void put(String path, byte[] body) {
        files.put(path, body);
    }

    byte[] get(String path) {
        return files.get(path);
    }

    /** The URL the server under test fetches {@code path} from (127.0.0.1: tests allow it with --cloud-allow). */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
