package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link OutboundGuard#connect}, shared by URL import and webhook deliveries: one resolution, vetted, and the socket
 * goes to that vetted address, so a DNS answer that changes afterwards (rebinding) cannot redirect it; a name that
 * resolves to a refused address is refused before any connection.
 */
class OutboundGuardConnectTest {

    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByAddress(InetAddress.getByName(literal).getAddress());
    }

    @Test
    void aNameResolvingToAPrivateAddressIsRefused() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        OutboundGuard guard = new OutboundGuard(List.of(), host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {ip("10.1.2.3")};
        });
        assertThatThrownBy(() -> guard.connect("hook.example", 443, true, 1000))
                .isInstanceOf(OutboundGuard.Refused.class);
        // one public and one private address: refused too (every address must pass)
        OutboundGuard mixed =
                new OutboundGuard(List.of(), host -> new InetAddress[] {ip("93.184.216.34"), ip("127.0.0.1")});
        assertThatThrownBy(() -> mixed.connect("hook.example", 443, true, 1000))
                .isInstanceOf(OutboundGuard.Refused.class);
        assertThat(lookups.get()).isEqualTo(1);
        OutboundGuard none = new OutboundGuard(List.of(), host -> new InetAddress[0]);
        assertThatThrownBy(() -> none.connect("nothing.example", 443, true, 1000))
                .isInstanceOf(UnknownHostException.class);
    }

    @Test
    void theConnectionGoesToTheAddressVettedWithOneLookup() throws Exception {
        // the name resolves to loopback (allowed here) the first time and to a private address afterwards: a client
        // that
        // looked the name up again would connect there
        AtomicInteger lookups = new AtomicInteger();
        OutboundGuard guard = new OutboundGuard(
                List.of("127.0.0.1/32"),
                host -> lookups.getAndIncrement() == 0
                        ? new InetAddress[] {ip("127.0.0.1")}
                        : new InetAddress[] {ip("10.9.9.9")});
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept();
                        BufferedReader in = new BufferedReader(
                                new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1))) {
                    return in.readLine();
                } catch (IOException e) {
                    return "failed: " + e;
                }
            });
            try (Socket s = guard.connect("rebind.example", server.getLocalPort(), false, 2000)) {
                assertThat(s.getInetAddress()).isEqualTo(ip("127.0.0.1"));
                s.getOutputStream().write("hello\n".getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                assertThat(line.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
            }
        }
        assertThat(lookups.get()).as("resolved once, by the guard itself").isEqualTo(1);
        // the next connection looks up again, and this time the answer is refused
        assertThatThrownBy(() -> guard.connect("rebind.example", 80, false, 1000))
                .isInstanceOf(OutboundGuard.Refused.class);
    }

    @Test
    void literalAddressesNeedNoLookupAndAreVettedToo() throws Exception {
        OutboundGuard guard = new OutboundGuard(List.of(), host -> {
            throw new AssertionError("no lookup for a literal");
        });
        assertThatThrownBy(() -> guard.connect("127.0.0.1", 80, false, 1000)).isInstanceOf(OutboundGuard.Refused.class);
        assertThatThrownBy(() -> guard.connect("[::ffff:10.0.0.1]", 80, false, 1000))
                .isInstanceOf(OutboundGuard.Refused.class);
    }
}
