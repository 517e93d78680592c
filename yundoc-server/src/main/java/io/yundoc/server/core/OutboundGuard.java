package io.yundoc.server.core;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The SSRF guard of outbound requests (docs/api.md §5.4): a host is resolved once and every address must be public,
 * unless the operator's allow-list (hosts and CIDRs, {@code --cloud-allow}) admits it. {@link #connect} then connects
 * to a vetted address itself, so there is no second lookup a DNS rebinding could answer differently (an HTTP client
 * that resolves the name again would open that window); TLS still verifies the certificate for the URL's host name
 * and sends it as SNI. Used by URL import and by webhook deliveries (docs/api-families.md §F2.6).
 */
public final class OutboundGuard {
    private final List<String> allowHosts = new ArrayList<>();
    private final List<Cidr> allowCidrs = new ArrayList<>();
    private final Resolver resolver;

    /** Name resolution: the system's by default; tests give names of their own (a name that resolves to a refused address). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A target the guard refuses. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    public OutboundGuard(List<String> allow) {
        this(allow, InetAddress::getAllByName);
    }

    public OutboundGuard(List<String> allow, Resolver resolver) {
        this.resolver = resolver;
        for (String a : allow) {
            String s = a.trim();
            if (s.isEmpty()) {
                continue;
            }
            Cidr c = allowEntry(s);
            if (c != null) {
                allowCidrs.add(c);
            } else {
                allowHosts.add(s.toLowerCase(Locale.ROOT));
            }
        }
    }

    /** True when the operator listed this host name, or a CIDR holding this literal address. */
    public boolean listed(String host) {
        String h = bare(host);
        if (allowHosts.contains(h.toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (h.matches("[0-9.]+") || h.contains(":")) {
            try {
                InetAddress a = InetAddress.getByName(h);
                return allowCidrs.stream().anyMatch(c -> c.contains(a));
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The vetted addresses of the URL's host: every one must pass, or the allow-list must admit it. */
    public List<InetAddress> vet(String host) throws Refused, UnknownHostException {
        String h = bare(host);
        InetAddress[] all = h.matches("[0-9.]+") || h.contains(":") ? InetAddress.getAllByName(h) : resolver.resolve(h);
        if (all.length == 0) {
            throw new UnknownHostException(h);
        }
        boolean hostAllowed = allowHosts.contains(h.toLowerCase(Locale.ROOT));
        for (InetAddress a : all) {
            if (!hostAllowed && forbidden(a) && allowCidrs.stream().noneMatch(c -> c.contains(a))) {
                throw new Refused("target not allowed");
            }
        }
        return List.of(all);
    }

    /**
     * A connection to {@code host:port} through the guard: the host is resolved and vetted once ({@link #vet}), the
     * socket connects to one of those addresses (the next on a refused connection), and with {@code tls} the TLS
     * handshake verifies the certificate for {@code host} and sends it as SNI. {@code timeoutMs} bounds the connect
     * and the handshake (it stays the socket's read timeout). A connect timeout is a {@link SocketTimeoutException}.
     */
    public Socket connect(String host, int port, boolean tls, int timeoutMs) throws Refused, IOException {
        List<InetAddress> addresses = vet(host);
        Socket socket = null;
        IOException last = null;
        for (InetAddress a : addresses) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(a, port), timeoutMs);
                socket = s;
                break;
            } catch (SocketTimeoutException e) {
                s.close();
                throw e;
            } catch (IOException e) {
                s.close();
                last = e;
            }
        }
        if (socket == null) {
            throw last != null ? last : new ConnectException("no address");
        }
        try {
            socket.setSoTimeout(timeoutMs);
            if (!tls) {
                return socket;
            }
            String bare = bare(host);
            SSLSocket ssl = (SSLSocket)
                    ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, bare, port, true);
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must match the URL's host name
            if (!bare.contains(":") && !bare.matches("[0-9.]+")) {
                params.setServerNames(List.of(new SNIHostName(bare)));
            }
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            return ssl;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Loopback, private, link-local, CGNAT, unspecified, multicast, broadcast, and v4 addresses hidden in v6 forms. */
    public static boolean forbidden(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isAnyLocalAddress()
                || a.isLinkLocalAddress()
                || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            return o0 == 0
                    || o0 == 127
                    || o0 == 10
                    || (o0 == 100 && (o1 & 0xc0) == 64)
                    || (o0 == 169 && o1 == 254)
                    || (o0 == 172 && (o1 & 0xf0) == 16)
                    || (o0 == 192 && o1 == 168)
                    || o0 >= 224;
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) { // fc00::/7 unique local
                return true;
            }
            boolean zero10 = true;
            for (int i = 0; i < 10; i++) {
                zero10 &= b[i] == 0;
            }
            boolean mapped = zero10 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff; // ::ffff:a.b.c.d
            boolean compat = zero10 && b[10] == 0 && b[11] == 0; // ::a.b.c.d
            boolean nat64 = (b[0] & 0xff) == 0x00
                    && (b[1] & 0xff) == 0x64
                    && (b[2] & 0xff) == 0xff
                    && (b[3] & 0xff) == 0x9b; // 64:ff9b::/96
            boolean siit = b[0] == 0
                    && b[1] == 0
                    && b[2] == 0
                    && b[3] == 0
                    && b[4] == 0
                    && b[5] == 0
                    && b[6] == 0
                    && b[7] == 0
                    && (b[8] & 0xff) == 0xff
                    && (b[9] & 0xff) == 0xff
                    && b[10] == 0
                    && b[11] == 0; // ::ffff:0:a.b.c.d
            if (mapped || compat || nat64 || siit) {
                return embedded(b, 12);
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) { // 2002::/16 6to4 carries a v4 address in bytes 2-5
                return embedded(b, 2);
            }
        }
        return false;
    }

    private static boolean embedded(byte[] b, int at) {
        try {
            return forbidden(InetAddress.getByAddress(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]}));
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /** An allow-list entry: a network, or null for a host name. Error messages as the flag has always given them. */
    static Cidr allowEntry(String s) {
        try {
            Optional<Cidr> c = Cidr.parse(s);
            if (c.isEmpty()
                    && s.substring(0, s.indexOf('/') < 0 ? s.length() : s.indexOf('/'))
                            .contains(":")) {
                throw new IllegalArgumentException("bad --cloud-allow entry " + s);
            }
            return c.orElse(null);
        } catch (Cidr.Malformed e) {
            throw new IllegalArgumentException(
                    e.problem() == Cidr.Problem.PREFIX_OUT_OF_RANGE ? "bad CIDR " + s : "bad --cloud-allow entry " + s);
        }
    }
}
