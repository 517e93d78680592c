package io.yundoc.server.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IPv4 or IPv6 network: an address literal with an optional prefix length ({@code 10.0.0.0/8}, {@code ::1/128};
 * no prefix = the one address). Used by {@code --trusted-proxies} and {@code --cloud-allow}. Parsing never resolves
 * a host name.
 */
@SuppressWarnings("ArrayRecordComponent") // only ever asked contains(): never compared, hashed or printed
public record Cidr(byte[] network, int bits) {
    /** IPv4 digits and dots, or anything of hex digits, dots and colons with a colon in it (IPv6). */
    private static final String LITERAL = "[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*";

    /** Why a text that looks like an address literal is not a network. */
    public enum Problem {
        ADDRESS,
        PREFIX_NOT_A_NUMBER,
        PREFIX_OUT_OF_RANGE
    }

    /** A text shaped like an address literal that is not a valid network; callers word their own message. */
    public static final class Malformed extends IllegalArgumentException {
        private final Problem problem;

        Malformed(Problem problem, String text, Throwable cause) {
            super(problem + ": " + text, cause);
            this.problem = problem;
        }

        public Problem problem() {
            return problem;
        }
    }

    /**
     * The network {@code text} names; empty when its address part is not shaped like an address literal (a host
     * name, say).
     *
     * @throws Malformed when it is shaped like one but is not a valid address or prefix length
     */
    public static Optional<Cidr> parse(String text) {
        int slash = text.indexOf('/');
        String ip = slash < 0 ? text : text.substring(0, slash);
        if (!ip.matches(LITERAL)) {
            return Optional.empty();
        }
        byte[] addr;
        try {
            addr = InetAddress.getByName(ip).getAddress(); // a literal: no DNS lookup happens
        } catch (UnknownHostException e) {
            throw new Malformed(Problem.ADDRESS, text, e);
        }
        int bits = addr.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new Malformed(Problem.PREFIX_NOT_A_NUMBER, text, e);
            }
            if (bits < 0 || bits > addr.length * 8) {
                throw new Malformed(Problem.PREFIX_OUT_OF_RANGE, text, null);
            }
        }
        return Optional.of(new Cidr(addr, bits));
    }

    public boolean contains(InetAddress address) {
        return address != null && contains(address.getAddress());
    }

    /** Whether the address bytes (4 or 16) lie in this network; an address of the other family never does. */
    public boolean contains(byte[] addr) {
        if (addr.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (addr[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (addr[full] & mask) == (network[full] & mask);
    }
}
