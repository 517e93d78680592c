package io.yundoc.server.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --trusted-proxies}: the CIDRs (e.g. {@code 10.0.0.0/8,127.0.0.1/32,::1/128}) whose {@code Forwarded} /
 * {@code X-Forwarded-*} headers are believed. Headers from any other peer are ignored, so a client cannot forge its
 * address or the public URL by sending them itself.
 */
public final class TrustedProxies {
    private record Cidr(byte[] network, int bits) {
        boolean contains(byte[] addr) {
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

    private final List<Cidr> cidrs;

    private TrustedProxies(List<Cidr> cidrs) {
        this.cidrs = cidrs;
    }

    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    /** Parses a comma-separated list of literal addresses or CIDRs (no host names: nothing is resolved). */
    public static TrustedProxies parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        List<Cidr> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int slash = p.indexOf('/');
            String ip = slash < 0 ? p : p.substring(0, slash);
            if (!ip.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new IllegalArgumentException("--trusted-proxies: not an IP address or CIDR: " + p);
            }
            byte[] addr;
            try {
                addr = InetAddress.getByName(ip).getAddress(); // a literal: no DNS lookup happens
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--trusted-proxies: not an IP address or CIDR: " + p, e);
            }
            int bits = addr.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(p.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--trusted-proxies: bad prefix length in " + p, e);
                }
                if (bits < 0 || bits > addr.length * 8) {
                    throw new IllegalArgumentException("--trusted-proxies: bad prefix length in " + p);
                }
            }
            out.add(new Cidr(addr, bits));
        }
        return new TrustedProxies(List.copyOf(out));
    }

    public boolean isEmpty() {
        return cidrs.isEmpty();
    }

    public boolean trusts(InetAddress peer) {
        if (peer == null) {
            return false;
        }
        byte[] a = peer.getAddress();
        for (Cidr c : cidrs) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }
}
