package io.yundoc.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder the test can cut and restore, to take a real backend (PostgreSQL, S3) "down" for one server
 * without touching the shared service: {@link #cut()} drops every connection and refuses new ones until
 * {@link #restore()}.
 */
public final class TcpProxy implements AutoCloseable {
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean up = true;
    private volatile boolean closed;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (!up) {
                    client.setSoLinger(true, 0);
                    client.close();
                    continue;
                }
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(backend);
                Thread.ofVirtual().start(() -> pump(client, backend));
                Thread.ofVirtual().start(() -> pump(backend, client));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // one side went away
        } finally {
            quietClose(from);
            quietClose(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void quietClose(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** The backend "goes down": existing connections reset, new ones refused at once. */
    public void cut() {
        up = false;
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed
            }
            quietClose(s);
        }
        open.clear();
    }

    public void restore() {
        up = true;
    }

    @Override
    public void close() {
        closed = true;
        cut();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
